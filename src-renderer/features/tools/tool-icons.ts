import {
  BookmarkPlus,
  FilePen,
  FileSearch,
  FileText,
  FolderOpen,
  Globe,
  PencilLine,
  SquareTerminal,
  Wrench,
  type LucideIcon,
} from 'lucide-react';

/** By tool name; no prototype, so a hosted tool named `constructor` finds nothing. */
export const TOOL_ICONS: Readonly<Record<string, LucideIcon | undefined>> = Object.assign(
  Object.create(null),
  {
    memory_save: BookmarkPlus,
    shell: SquareTerminal,
    read_file: FileText,
    write_file: FilePen,
    edit_file: PencilLine,
    list_dir: FolderOpen,
    search_files: FileSearch,
    fetch_url: Globe,
  },
);

/** A hosted tool the window does not know: a plain wrench. */
export const OTHER_TOOL_ICON: LucideIcon = Wrench;
