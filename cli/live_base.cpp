#include "cli/live_base.h"

#include "fdt/tree_directory.h"

namespace ovl::cli {
namespace {

std::string under(const std::string& sysroot, const std::string& path) {
  if (sysroot.empty() || sysroot == "/") return path;
  return (sysroot.back() == '/' ? sysroot.substr(0, sysroot.size() - 1) : sysroot) + path;
}

}  // namespace

bool is_live_base(const std::string& name) { return name == "live" || name == "live-tree"; }

Expected<fdt::LoadedBlob> load_live_base(const std::string& name, const std::string& sysroot) {
  if (name == "live") {
    std::string file = under(sysroot, "/sys/firmware/fdt");
    auto blob = fdt::load_blob_file(file);
    if (!blob) {
      // The boot blob is readable by root only; a system booted without a device tree lacks it.
      return Error{"'live': " + blob.error().message +
                   " (the boot blob needs root, and a system booted with a device tree)"};
    }
    return blob;
  }
  std::string dir = under(sysroot, "/proc/device-tree");
  return fdt::load_tree_directory("live-tree", dir);
}

}  // namespace ovl::cli
