/**
 * Whether a model takes images. Providers' model lists do not say, so this goes by the families
 * known to read images; anything else is treated as text-only, and an image is refused before it
 * is sent rather than failing inside the provider.
 */
const VISION_FAMILIES = [
  /^gpt-4o/i,
  /^gpt-4\.1/i,
  /^gpt-4-turbo/i,
  /^gpt-4-vision/i,
  /^gpt-5/i,
  /^chatgpt-4o/i,
  /^o[134](-|$)/i,
  /^claude-(3|sonnet-4|opus-4|haiku-4|4)/i,
  /^claude-(3-5|3-7)/i,
  /gemini/i,
  /llava/i,
  /bakllava/i,
  /-vision/i,
  /vision-/i,
  /qwen.*-vl/i,
  /pixtral/i,
  /gemma-?3/i,
  /minicpm-v/i,
  /moondream/i,
  /llama-?4/i,
  /mistral-(small|medium)-3/i,
  /grok-.*vision|grok-4/i,
];

export function takesImages(model: string): boolean {
  const name = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  return VISION_FAMILIES.some((re) => re.test(name));
}
