import {
  FilePen,
  FileSearch,
  FileText,
  FolderOpen,
  Globe,
  PencilLine,
  SquareTerminal,
  type LucideIcon,
} from 'lucide-react';
import type { ToolName } from '../../../src-main/core/protocol/index.js';

export const TOOL_ICONS: Record<ToolName, LucideIcon> = {
  shell: SquareTerminal,
  read_file: FileText,
  write_file: FilePen,
  edit_file: PencilLine,
  list_dir: FolderOpen,
  search_files: FileSearch,
  fetch_url: Globe,
};
