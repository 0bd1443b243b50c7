import { z } from 'zod';
import { errorShapeSchema } from './frames.js';
import { lazySchema } from './lazy-schema.js';

export const PROVIDER_KINDS = ['openai', 'anthropic', 'openai-compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** The provider whose models run on this computer: listed beside the configured ones, never saved. */
export const LOCAL_PROVIDER_ID = 'local';

/** Which model answers: a configured provider and one of its models. */
export const modelRefSchema = lazySchema(() =>
  z.object({
    providerId: z.string().min(1).max(64),
    model: z.string().trim().min(1).max(200),
  }),
);

/** How one conversation's replies are made, on top of the persona and the app's defaults. */
export const conversationSettingsSchema = lazySchema(() =>
  z.object({
    /** Added after the persona's system prompt; null adds nothing. */
    systemPrompt: z.string().max(20_000).nullable(),
    /** Null leaves the provider's default. */
    temperature: z.number().min(0).max(2).nullable(),
    maxOutputTokens: z.number().int().min(1).max(200_000).nullable(),
    /** Off: the model is offered no tools at all (no kernel tools, no memory tools, no swarms). */
    tools: z.boolean(),
    /** Off: no memories are recalled into the context and the memory tools are not offered. */
    memory: z.boolean(),
  }),
);

export const DEFAULT_CONVERSATION_SETTINGS: z.infer<typeof conversationSettingsSchema> = {
  systemPrompt: null,
  temperature: null,
  maxOutputTokens: null,
  tools: true,
  memory: true,
};

export const conversationSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    title: z.string(),
    createdAt: z.number(),
    updatedAt: z.number(),
    messageCount: z.number().int().nonnegative(),
    /** The conversation's own model; null follows the default model. */
    modelRef: modelRefSchema.nullable(),
    /** Listed first in the sidebar. */
    pinned: z.boolean().optional(),
    /** Listed under "Archived" only; archiving keeps every message. */
    archived: z.boolean().optional(),
    settings: conversationSettingsSchema.optional(),
    /** The workspace folder the owner chose (its real path); absent: the conversation's own default folder. */
    workspace: z.string().optional(),
  }),
);

export const ATTACHMENT_KINDS = ['image', 'pdf', 'text'] as const;

/** A file the owner attached: copied into the conversation's workspace, referenced by the message. */
export const attachmentSchema = lazySchema(() =>
  z.object({
    name: z.string(),
    /** Relative to the conversation's workspace, e.g. `attachments/report.pdf`. */
    path: z.string(),
    mimeType: z.string(),
    size: z.number().int().nonnegative(),
    kind: z.enum(ATTACHMENT_KINDS),
    /** PDFs and text files: the extracted text the model reads (cut at the size limit). */
    text: z.string().optional(),
    /** The extracted text was cut at the limit. */
    truncated: z.boolean().optional(),
  }),
);

export const MESSAGE_STATUSES = ['complete', 'streaming', 'stopped', 'error', 'interrupted'] as const;

export const usageSchema = lazySchema(() =>
  z.object({
    inputTokens: z.number().int().nonnegative().nullable(),
    outputTokens: z.number().int().nonnegative().nullable(),
    /** Estimated cost in US dollars; null where the price is unknown, 0 for local models. */
    costUsd: z.number().nonnegative().nullable(),
  }),
);

export const messageSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    conversationId: z.string(),
    /** Position in the conversation, from 0; stable, so a virtualised list can index by it. */
    index: z.number().int().nonnegative(),
    role: z.enum(['user', 'assistant']),
    content: z.string(),
    status: z.enum(MESSAGE_STATUSES),
    error: errorShapeSchema.nullable(),
    providerId: z.string().nullable(),
    model: z.string().nullable(),
    usage: usageSchema.nullable(),
    createdAt: z.number(),
    /** Present where this position has other versions (regenerated replies, edited messages). */
    versions: z.object({ current: z.number().int().min(1), total: z.number().int().min(2) }).optional(),
    attachments: z.array(attachmentSchema).optional(),
  }),
);

/** A configured model provider. Its API key never leaves the keychain: only whether one is stored. */
export const providerSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    /** 'local': the models on this computer (node-llama-cpp), present once one is installed. */
    kind: z.enum([...PROVIDER_KINDS, 'local']),
    name: z.string(),
    baseUrl: z.string(),
    hasApiKey: z.boolean(),
    defaultModel: z.string().nullable(),
    /** True when the server runs on this machine (loopback): its replies cost nothing. */
    local: z.boolean(),
  }),
);

export const modelInfoSchema = lazySchema(() =>
  z.object({
    id: z.string(),
    /** Price per million tokens in US dollars, where known. */
    pricing: z.object({ inputPerMTok: z.number(), outputPerMTok: z.number() }).nullable(),
  }),
);

/** How the desktop app behaves (ignored by `cell0 serve`). */
export const desktopSettingsSchema = lazySchema(() =>
  z.object({
    /** Closing the window keeps Cell 0 running in the tray. */
    closeToTray: z.boolean(),
    launchAtLogin: z.boolean(),
    /** An Electron accelerator, e.g. "CommandOrControl+Shift+Space". */
    quickPromptShortcut: z.string().min(1).max(100),
    theme: z.enum(['system', 'light', 'dark']),
  }),
);

export const DEFAULT_DESKTOP_SETTINGS: z.infer<typeof desktopSettingsSchema> = {
  closeToTray: true,
  launchAtLogin: false,
  quickPromptShortcut: 'CommandOrControl+Shift+Space',
  theme: 'system',
};

export const settingsSnapshotSchema = lazySchema(() =>
  z.object({
    providers: z.array(providerSchema),
    defaultModel: modelRefSchema.nullable(),
    onboardingDone: z.boolean(),
    desktop: desktopSettingsSchema,
  }),
);

/** What the agents are doing, for the tray icon and the status bar. */
export const agentsStatusSchema = lazySchema(() =>
  z.object({
    paused: z.boolean(),
    runningReplies: z.number().int().nonnegative(),
    runningTools: z.number().int().nonnegative(),
    pendingPermissions: z.number().int().nonnegative(),
  }),
);

export const localServerSchema = lazySchema(() =>
  z.object({
    preset: z.enum(['ollama', 'lmstudio']),
    name: z.string(),
    baseUrl: z.string(),
    models: z.array(z.string()),
  }),
);

export const identitySchema = lazySchema(() =>
  z.object({
    /** Raw 32-byte Ed25519 public key, base64url. */
    publicKey: z.string(),
    /** SHA-256 of the public key as 12 groups of 5 digits, for reading aloud and comparing. */
    fingerprint: z.string(),
    /** The first two groups, for the status bar. */
    shortFingerprint: z.string(),
    /** When this instance's identity was first made; a key rotation does not change it. */
    createdAt: z.number(),
    /** How many times the key was rotated before this one. */
    rotations: z.number().int().nonnegative(),
    /** When the current key replaced the one before it; null while the first key is current. */
    rotatedAt: z.number().nullable(),
  }),
);

export const identityStateSchema = lazySchema(() =>
  z.discriminatedUnion('status', [
    z.object({ status: z.literal('ready'), identity: identitySchema }),
    z.object({ status: z.literal('unavailable'), error: errorShapeSchema }),
  ]),
);

/** The public identity, signed by its own key: what another instance or a person checks. */
export const identityCardSchema = lazySchema(() =>
  z.object({
    type: z.literal('cell0.identity-card'),
    version: z.literal(1),
    name: z.string(),
    publicKey: z.string(),
    fingerprint: z.string(),
    createdAt: z.number(),
    issuedAt: z.number(),
    /** Ed25519 signature (base64url) over the card's canonical JSON without this field. */
    signature: z.string(),
  }),
);

/** Links an old key to its successor: signed by the old key, countersigned by the new one. */
export const keyRotationSchema = lazySchema(() =>
  z.object({
    type: z.literal('cell0.key-rotation'),
    version: z.literal(1),
    previousPublicKey: z.string(),
    nextPublicKey: z.string(),
    rotatedAt: z.number(),
    /** Signature by the previous key over the canonical JSON without the two signatures. */
    previousSignature: z.string(),
    nextSignature: z.string(),
  }),
);

export type Conversation = z.infer<typeof conversationSchema>;
export type Message = z.infer<typeof messageSchema>;
export type MessageStatus = Message['status'];
export type ModelRef = z.infer<typeof modelRefSchema>;
export type ConversationSettings = z.infer<typeof conversationSettingsSchema>;
export type Attachment = z.infer<typeof attachmentSchema>;
export type Usage = z.infer<typeof usageSchema>;
export type Provider = z.infer<typeof providerSchema>;
export type ModelInfo = z.infer<typeof modelInfoSchema>;
export type SettingsSnapshot = z.infer<typeof settingsSnapshotSchema>;
export type DesktopSettings = z.infer<typeof desktopSettingsSchema>;
export type AgentsStatus = z.infer<typeof agentsStatusSchema>;
export type LocalServer = z.infer<typeof localServerSchema>;
export type Identity = z.infer<typeof identitySchema>;
export type IdentityState = z.infer<typeof identityStateSchema>;
export type IdentityCard = z.infer<typeof identityCardSchema>;
export type KeyRotation = z.infer<typeof keyRotationSchema>;
