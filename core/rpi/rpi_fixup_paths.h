// The path strings an unresolved overlay keeps about itself, and how dtoverlay keeps them true
// while it edits the overlay: `__fixups__` ("path:property:offset" per use of an outside
// label), `__local_fixups__` (a tree mirroring the overlay), `__symbols__` (label paths).
// The kernel's resolver reads these after dtoverlay is done, so a rename or a moved cell that
// left them stale would make the kernel patch the wrong place.
#pragma once

#include "core/rpi/rpi_overlay_tree.h"

#include <optional>
#include <string>
#include <string_view>

namespace ovl::rpi {

// dtoverlay_set_node_name: renames `id` and rewrites every `__fixups__`, `__local_fixups__`
// property string and `__symbols__` path that starts with the node's old path (followed by
// ':', '/' or its end), and renames the node's mirror under `__local_fixups__`.
void rename_node(OverlayTree& tree, EditId id, const std::string& name);

// The `__fixups__` property (label) whose list holds `location` exactly.
std::optional<std::string> find_fixup(const OverlayTree& tree, std::string_view location);
// Removes the first `location` from the first list holding it; a list left empty goes.
void delete_fixup(OverlayTree& tree, std::string_view location);
// Appends `location` to the list of `label`.
void add_fixup(OverlayTree& tree, const std::string& label, std::string_view location);

// dtoverlay_stringlist_replace over every `__fixups__` list: each entry starting with
// `from_prefix` starts with `to_prefix` instead.
void rebase_fixups(OverlayTree& tree, std::string_view from_prefix, std::string_view to_prefix);

}  // namespace ovl::rpi
