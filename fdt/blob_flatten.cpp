// Writing a tree back into a blob with libfdt's sequential-write API.
#include "fdt/blob_io.h"

#include <libfdt.h>

#include <climits>
#include <stdexcept>
#include <string>

namespace ovl::fdt {
namespace {

// One attempt at writing the whole blob into `buf`: 0, or a negative libfdt error
// (-FDT_ERR_NOSPACE when `buf` is too small).
int write_blob(const DeviceTree& tree, const BlobHeader& header, std::vector<std::uint8_t>& buf) {
  void* fdt = buf.data();
  int err = fdt_create(fdt, static_cast<int>(buf.size()));
  for (const BlobHeader::Reservation& r : header.memory_reservations) {
    if (err == 0) err = fdt_add_reservemap_entry(fdt, r.address, r.size);
  }
  if (err == 0) err = fdt_finish_reservemap(fdt);

  // Depth-first through the child lists without recursion: trees built by overlays need not
  // respect the depth limit a loaded blob does.
  NodeId at = tree.root();
  while (err == 0) {
    const Node& node = tree.node(at);
    err = fdt_begin_node(fdt, node.full_name.c_str());
    for (const Property& p : node.properties.items()) {
      if (err != 0) break;
      if (p.synthetic) continue;
      if (p.value.size() > INT_MAX) return -FDT_ERR_NOSPACE;
      err = fdt_property(fdt, p.name.c_str(), p.value.data(), static_cast<int>(p.value.size()));
    }
    if (err != 0) break;
    if (node.first_child != kNoNode) {
      at = node.first_child;
      continue;
    }
    // A leaf: close it and every ancestor whose last child it ends, then go to the next sibling.
    for (;;) {
      err = fdt_end_node(fdt);
      if (err != 0 || at == tree.root()) break;
      if (tree.node(at).next_sibling != kNoNode) {
        at = tree.node(at).next_sibling;
        break;
      }
      at = tree.node(at).parent;
    }
    if (at == tree.root()) break;
  }
  if (err == 0) err = fdt_finish(fdt);
  return err;
}

std::size_t size_estimate(const DeviceTree& tree, const BlobHeader& header) {
  std::size_t size = 64 + 16 * (header.memory_reservations.size() + 1);
  for (NodeId id = 0; id < tree.node_count(); ++id) {
    const Node& node = tree.node(id);
    size += 12 + node.full_name.size();
    for (const Property& p : node.properties.items()) size += 16 + p.name.size() + p.value.size();
  }
  return size;
}

}  // namespace

std::vector<std::uint8_t> flatten(const DeviceTree& tree, const BlobHeader& header) {
  std::vector<std::uint8_t> buf(size_estimate(tree, header));
  for (;;) {
    if (buf.size() > INT_MAX) throw std::length_error("flatten: the tree does not fit in a blob");
    int err = write_blob(tree, header, buf);
    if (err == 0) break;
    if (err != -FDT_ERR_NOSPACE) {
      throw std::logic_error(std::string("flatten: libfdt refused the tree: ") + fdt_strerror(err));
    }
    buf.resize(buf.size() * 2);
  }

  // fdt_finish() leaves the blob in buffer-sized storage; reopen and pack it so totalsize is
  // exactly what the blob needs.
  std::vector<std::uint8_t> out(fdt_totalsize(buf.data()));
  int err = fdt_open_into(buf.data(), out.data(), static_cast<int>(out.size()));
  if (err == 0) err = fdt_pack(out.data());
  if (err != 0) throw std::logic_error(std::string("flatten: ") + fdt_strerror(err));
  fdt_set_boot_cpuid_phys(out.data(), header.boot_cpuid_phys);
  out.resize(fdt_totalsize(out.data()));
  return out;
}

}  // namespace ovl::fdt
