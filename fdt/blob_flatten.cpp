// Writing a tree back into a blob.
//
// libfdt's writers look every property name up in the strings block by a linear scan, which
// makes a tree with tens of thousands of distinct names (a large `__symbols__`) quadratic to
// write. So the blocks are laid out here, with names deduplicated through a hash map, in the
// format libfdt reads (version 17, as dtc writes); libfdt then checks the result
// (fdt_check_full) before anyone sees it.
#include "fdt/blob_io.h"

#include <libfdt.h>

#include <climits>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace ovl::fdt {
namespace {

class BlobWriter {
 public:
  void token(std::uint32_t value) { put32(structure_, value); }

  void begin_node(const std::string& name) {
    token(FDT_BEGIN_NODE);
    structure_.insert(structure_.end(), name.begin(), name.end());
    structure_.push_back(0);
    pad(structure_);
  }

  void property(const Property& p) {
    if (p.value.size() > INT_MAX) throw std::length_error("flatten: a property does not fit in a blob");
    token(FDT_PROP);
    put32(structure_, static_cast<std::uint32_t>(p.value.size()));
    put32(structure_, name_offset(p.name));
    structure_.insert(structure_.end(), p.value.begin(), p.value.end());
    pad(structure_);
  }

  std::vector<std::uint8_t> finish(const BlobHeader& header) {
    token(FDT_END);
    const std::size_t header_size = sizeof(fdt_header);
    // The reservation map holds 64-bit values: keep it 8-byte aligned.
    std::size_t rsvmap_offset = (header_size + 7) & ~std::size_t{7};
    std::size_t rsvmap_size = 16 * (header.memory_reservations.size() + 1);
    std::size_t struct_offset = rsvmap_offset + rsvmap_size;
    std::size_t strings_offset = struct_offset + structure_.size();
    std::size_t total = strings_offset + strings_.size();
    if (total > INT_MAX) throw std::length_error("flatten: the tree does not fit in a blob");

    std::vector<std::uint8_t> blob(total, 0);
    auto* h = reinterpret_cast<fdt_header*>(blob.data());
    fdt_set_magic(h, FDT_MAGIC);
    fdt_set_totalsize(h, static_cast<std::uint32_t>(total));
    fdt_set_off_dt_struct(h, static_cast<std::uint32_t>(struct_offset));
    fdt_set_off_dt_strings(h, static_cast<std::uint32_t>(strings_offset));
    fdt_set_off_mem_rsvmap(h, static_cast<std::uint32_t>(rsvmap_offset));
    fdt_set_version(h, 17);
    fdt_set_last_comp_version(h, 16);
    fdt_set_boot_cpuid_phys(h, header.boot_cpuid_phys);
    fdt_set_size_dt_strings(h, static_cast<std::uint32_t>(strings_.size()));
    fdt_set_size_dt_struct(h, static_cast<std::uint32_t>(structure_.size()));

    std::vector<std::uint8_t> rsvmap;
    for (const BlobHeader::Reservation& r : header.memory_reservations) {
      put64(rsvmap, r.address);
      put64(rsvmap, r.size);
    }
    put64(rsvmap, 0);
    put64(rsvmap, 0);
    std::memcpy(blob.data() + rsvmap_offset, rsvmap.data(), rsvmap.size());
    std::memcpy(blob.data() + struct_offset, structure_.data(), structure_.size());
    if (!strings_.empty()) std::memcpy(blob.data() + strings_offset, strings_.data(), strings_.size());

    if (int err = fdt_check_full(blob.data(), blob.size())) {
      throw std::logic_error(std::string("flatten: libfdt refuses the written blob: ") + fdt_strerror(err));
    }
    return blob;
  }

 private:
  static void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  static void put64(std::vector<std::uint8_t>& out, std::uint64_t v) {
    put32(out, static_cast<std::uint32_t>(v >> 32));
    put32(out, static_cast<std::uint32_t>(v));
  }
  static void pad(std::vector<std::uint8_t>& out) {
    while (out.size() % 4 != 0) out.push_back(0);
  }
  std::uint32_t name_offset(const std::string& name) {
    auto [it, added] = offsets_.try_emplace(name, static_cast<std::uint32_t>(strings_.size()));
    if (added) {
      strings_.insert(strings_.end(), name.begin(), name.end());
      strings_.push_back(0);
    }
    return it->second;
  }

  std::vector<std::uint8_t> structure_;
  std::vector<char> strings_;
  std::unordered_map<std::string, std::uint32_t> offsets_;
};

}  // namespace

std::vector<std::uint8_t> flatten(const DeviceTree& tree, const BlobHeader& header) {
  BlobWriter writer;
  // Depth-first through the child lists without recursion: trees built by overlays need not
  // respect the depth limit a loaded blob does.
  NodeId at = tree.root();
  for (;;) {
    const Node& node = tree.node(at);
    writer.begin_node(node.full_name);
    for (const Property& p : node.properties.items()) {
      if (!p.synthetic) writer.property(p);
    }
    if (node.first_child != kNoNode) {
      at = node.first_child;
      continue;
    }
    // A leaf: close it and every ancestor whose last child it ends, then go to the next sibling.
    for (;;) {
      writer.token(FDT_END_NODE);
      if (at == tree.root()) return writer.finish(header);
      if (tree.node(at).next_sibling != kNoNode) {
        at = tree.node(at).next_sibling;
        break;
      }
      at = tree.node(at).parent;
    }
  }
}

}  // namespace ovl::fdt
