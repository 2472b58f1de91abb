// Reading a flattened device tree: every check that can refuse a blob runs before the tree is
// built, and every libfdt call's result is checked, so no input can crash the loader.
#include "fdt/blob_io.h"
#include "fdt/populate_node.h"

#include <libfdt.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace ovl::fdt {
namespace {

constexpr std::size_t kHeaderSize = 40;                // a version 17 header, as dtc writes it
constexpr std::size_t kMaxBlobSize = INT_MAX;          // libfdt's offsets are ints
constexpr std::uint32_t kFdtMagic = 0xd00dfeed;

Error failure(const std::string& label, const std::string& cause) {
  return Error{"'" + label + "': " + cause};
}

std::string hex(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::uint32_t be32_at(const std::vector<std::uint8_t>& bytes, std::size_t at) {
  return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) |
         (std::uint32_t{bytes[at + 2]} << 8) | std::uint32_t{bytes[at + 3]};
}

const char* code_name(int err) {
  switch (err < 0 ? -err : err) {
    case FDT_ERR_NOTFOUND: return "FDT_ERR_NOTFOUND";
    case FDT_ERR_EXISTS: return "FDT_ERR_EXISTS";
    case FDT_ERR_NOSPACE: return "FDT_ERR_NOSPACE";
    case FDT_ERR_BADOFFSET: return "FDT_ERR_BADOFFSET";
    case FDT_ERR_BADPATH: return "FDT_ERR_BADPATH";
    case FDT_ERR_BADPHANDLE: return "FDT_ERR_BADPHANDLE";
    case FDT_ERR_BADSTATE: return "FDT_ERR_BADSTATE";
    case FDT_ERR_TRUNCATED: return "FDT_ERR_TRUNCATED";
    case FDT_ERR_BADMAGIC: return "FDT_ERR_BADMAGIC";
    case FDT_ERR_BADVERSION: return "FDT_ERR_BADVERSION";
    case FDT_ERR_BADSTRUCTURE: return "FDT_ERR_BADSTRUCTURE";
    case FDT_ERR_BADLAYOUT: return "FDT_ERR_BADLAYOUT";
    case FDT_ERR_INTERNAL: return "FDT_ERR_INTERNAL";
    case FDT_ERR_BADNCELLS: return "FDT_ERR_BADNCELLS";
    case FDT_ERR_BADVALUE: return "FDT_ERR_BADVALUE";
    case FDT_ERR_BADOVERLAY: return "FDT_ERR_BADOVERLAY";
    case FDT_ERR_NOPHANDLES: return "FDT_ERR_NOPHANDLES";
    case FDT_ERR_BADFLAGS: return "FDT_ERR_BADFLAGS";
    case FDT_ERR_ALIGNMENT: return "FDT_ERR_ALIGNMENT";
    default: return "unknown libfdt error";
  }
}

std::string with_code(const std::string& words, int err) {
  return words + " (" + code_name(err) + ")";
}

// fdt_check_header() answers FDT_ERR_TRUNCATED for any block outside totalsize; name the block.
std::string header_range_problem(const void* fdt) {
  const std::uint64_t total = fdt_totalsize(fdt);
  const std::uint64_t header = fdt_header_size(fdt);
  const std::string within = " lies outside the blob's " + std::to_string(total) + " bytes";
  if (total < header) {
    return "header offsets or sizes out of range: totalsize " + std::to_string(total) +
           " is smaller than the header itself";
  }
  auto outside = [&](std::uint64_t offset, std::uint64_t size) {
    return offset < header || offset > total || size > total - offset;
  };
  if (outside(fdt_off_mem_rsvmap(fdt), 0)) {
    return "header offsets or sizes out of range: memory reservation map (offset " +
           hex(fdt_off_mem_rsvmap(fdt)) + ")" + within;
  }
  const std::uint64_t struct_size = fdt_version(fdt) >= 17 ? fdt_size_dt_struct(fdt) : 0;
  if (outside(fdt_off_dt_struct(fdt), struct_size)) {
    return "header offsets or sizes out of range: structure block (offset " +
           hex(fdt_off_dt_struct(fdt)) + ", size " + std::to_string(struct_size) + ")" + within;
  }
  if (outside(fdt_off_dt_strings(fdt), fdt_size_dt_strings(fdt))) {
    return "header offsets or sizes out of range: strings block (offset " +
           hex(fdt_off_dt_strings(fdt)) + ", size " + std::to_string(fdt_size_dt_strings(fdt)) +
           ")" + within;
  }
  return "header offsets or sizes out of range";
}

std::string header_problem(const void* fdt, int err) {
  switch (-err) {
    case FDT_ERR_BADVERSION:
      return with_code("unsupported version " + std::to_string(fdt_version(fdt)) +
                           " (last compatible version " +
                           std::to_string(fdt_last_comp_version(fdt)) + "); versions " +
                           std::to_string(FDT_FIRST_SUPPORTED_VERSION) + " to " +
                           std::to_string(FDT_LAST_SUPPORTED_VERSION) + " can be read",
                       err);
    case FDT_ERR_TRUNCATED:
      return with_code(header_range_problem(fdt), err);
    default:
      return with_code(std::string("invalid header: ") + fdt_strerror(err), err);
  }
}

// What fdt_check_full() found wrong once the header itself was good.
std::string content_problem(int err) {
  switch (-err) {
    case FDT_ERR_TRUNCATED:
      return with_code(
          "corrupt structure block: it ends before its FDT_END tag, or a node name, property or "
          "property name runs past the end of its block",
          err);
    case FDT_ERR_BADSTRUCTURE:
      return with_code(
          "corrupt structure block: an unknown tag, misnested nodes, a named root node or a "
          "second root node",
          err);
    case FDT_ERR_BADOFFSET:
      return with_code("bad strings offset: a property name lies outside the strings block", err);
    default:
      return with_code(std::string("corrupt blob: ") + fdt_strerror(err), err);
  }
}

// The kernel keeps nodes at depths 0..FDT_MAX_DEPTH-2 (drivers/of/fdt.c unflatten_dt_nodes,
// "if (WARN_ON_ONCE(depth >= FDT_MAX_DEPTH - 1)) continue;" with FDT_MAX_DEPTH 64 since the 2022
// off-by-one fix), so 62 levels below the root is the deepest a node can sit and still be seen.
static_assert(kKernelMaxDepth == 62, "see drivers/of/fdt.c unflatten_dt_nodes()");

// The shape checks fdt_check_full() leaves out, made on the tag stream before anything is
// built: properties only inside nodes and before their node's subnodes (the kernel's
// fdt_first/next_property_offset stop at the first subnode, so a later property would silently
// vanish), and no deeper nesting than the kernel unflattens. A single root with an empty name
// is checked too, for libfdt builds whose fdt_check_full() does not (Debian's 1.6.1 does).
// Returns the cause in words, or nothing when the shape is right.
std::optional<std::string> shape_problem(const void* fdt) {
  int depth = 0;       // 1 inside the root
  int deepest = 0;     // in levels below the root
  bool root_done = false;
  std::vector<bool> has_subnode;  // per open node
  int next = 0;
  for (int offset = 0;; offset = next) {
    std::uint32_t tag = fdt_next_tag(fdt, offset, &next);
    if (next < 0) return with_code("corrupt structure block at offset " + hex(offset), next);
    switch (tag) {
      case FDT_BEGIN_NODE: {
        if (root_done) {
          return with_code("corrupt structure block: a second root node at offset " + hex(offset),
                           -FDT_ERR_BADSTRUCTURE);
        }
        if (depth == 0) {
          int len = 0;
          const char* name = fdt_get_name(fdt, offset, &len);
          if (name == nullptr) return with_code("unreadable root node name", len);
          if (len != 0) {
            return "the root node is named '" + std::string(name, static_cast<std::size_t>(len)) +
                   "'; a root node's name must be empty";
          }
        } else {
          has_subnode.back() = true;
        }
        has_subnode.push_back(false);
        ++depth;
        deepest = std::max(deepest, depth - 1);
        break;
      }
      case FDT_END_NODE:
        if (depth == 0) {
          return with_code("corrupt structure block: an unmatched node end at offset " +
                               hex(offset), -FDT_ERR_BADSTRUCTURE);
        }
        has_subnode.pop_back();
        if (--depth == 0) root_done = true;
        break;
      case FDT_PROP:
        if (depth == 0) {
          return with_code("corrupt structure block: a property outside any node at offset " +
                               hex(offset), -FDT_ERR_BADSTRUCTURE);
        }
        if (has_subnode.back()) {
          return with_code("corrupt structure block: a property at offset " + hex(offset) +
                               " follows a subnode of its node; the kernel would not see it",
                           -FDT_ERR_BADSTRUCTURE);
        }
        break;
      case FDT_NOP:
        break;
      case FDT_END:
        if (depth != 0 || !root_done) {
          return with_code("corrupt structure block: it ends inside a node or holds no root node",
                           -FDT_ERR_BADSTRUCTURE);
        }
        if (deepest > kKernelMaxDepth) {
          return "nodes nested " + std::to_string(deepest) +
                 " levels deep; the kernel's unflatten keeps at most " +
                 std::to_string(kKernelMaxDepth) + " levels below the root";
        }
        return std::nullopt;
      default:
        return with_code("corrupt structure block: unknown tag " + hex(tag) + " at offset " +
                             hex(offset), -FDT_ERR_BADSTRUCTURE);
    }
  }
}

// populate_properties(): the name from the last '/' (old blobs hold paths) to the last '@'.
Property synthetic_name(std::string_view node_name) {
  std::size_t start = node_name.rfind('/');
  start = start == std::string_view::npos ? 0 : start + 1;
  std::size_t at = node_name.rfind('@');
  std::size_t end = (at == std::string_view::npos || at < start) ? node_name.size() : at;
  Property name{"name", Bytes(node_name.begin() + start, node_name.begin() + end), true};
  name.value.push_back(0);
  return name;
}

// What populate_properties() does once a node's properties are in: the synthetic `name`, and
// the phandle. The kernel takes the first non-zero `phandle`/`linux,phandle`; it reads four
// bytes whatever the length, so only 4-byte values are taken here.
void finish_node(DeviceTree& tree, NodeId id) {
  Node& node = tree.node(id);
  if (node.properties.find("name") == nullptr) node.properties.append(synthetic_name(node.full_name));
  std::uint32_t phandle = 0;
  for (const Property& p : node.properties.items()) {
    if ((p.name == "phandle" || p.name == "linux,phandle") && p.value.size() == 4) {
      phandle = be32_at(p.value, 0);
      if (phandle != 0) break;
    }
  }
  if (phandle != 0) tree.set_phandle(id, phandle);
}

// Builds the tree from a blob that passed every check above; a libfdt failure here still
// becomes an error, never a crash.
Expected<LoadedBlob> unflatten(const std::string& label, const void* fdt) {
  LoadedBlob loaded;
  DeviceTree& tree = loaded.tree;

  int reservations = fdt_num_mem_rsv(fdt);
  if (reservations < 0) {
    return failure(label, with_code("memory reservation map has no terminating entry inside the blob",
                                    reservations));
  }
  for (int i = 0; i < reservations; ++i) {
    std::uint64_t address = 0;
    std::uint64_t size = 0;
    int err = fdt_get_mem_rsv(fdt, i, &address, &size);
    if (err < 0) return failure(label, with_code("unreadable memory reservation", err));
    loaded.header.memory_reservations.push_back({address, size});
  }
  loaded.header.boot_cpuid_phys = fdt_boot_cpuid_phys(fdt);

  std::vector<NodeId> open;  // the nodes whose FDT_END_NODE is still to come
  int next = 0;
  for (int offset = 0;; offset = next) {
    std::uint32_t tag = fdt_next_tag(fdt, offset, &next);
    if (next < 0) return failure(label, content_problem(next));
    switch (tag) {
      case FDT_BEGIN_NODE: {
        if (open.empty()) {
          open.push_back(tree.root());
          break;
        }
        int len = 0;
        const char* name = fdt_get_name(fdt, offset, &len);
        if (name == nullptr) return failure(label, with_code("unreadable node name", len));
        NodeId id = tree.create_node(std::string(name, static_cast<std::size_t>(len)), open.back());
        tree.link_last(id);
        open.push_back(id);
        break;
      }
      case FDT_END_NODE:
        if (open.empty()) return failure(label, content_problem(-FDT_ERR_BADSTRUCTURE));
        finish_node(tree, open.back());
        open.pop_back();
        break;
      case FDT_PROP: {
        if (open.empty()) return failure(label, content_problem(-FDT_ERR_BADSTRUCTURE));
        const char* name = nullptr;
        int len = 0;
        const void* value = fdt_getprop_by_offset(fdt, offset, &name, &len);
        if (value == nullptr || name == nullptr || len < 0) {
          return failure(label, content_problem(len < 0 ? len : -FDT_ERR_BADSTRUCTURE));
        }
        const auto* data = static_cast<const std::uint8_t*>(value);
        tree.node(open.back()).properties.append(Property{name, Bytes(data, data + len), false});
        break;
      }
      case FDT_NOP:
        break;
      case FDT_END:
        return loaded;
      default:
        return failure(label, content_problem(-FDT_ERR_BADSTRUCTURE));
    }
  }
}

}  // namespace

void populate_node_properties(DeviceTree& tree, NodeId id) { finish_node(tree, id); }

Expected<LoadedBlob> load_blob_file(const std::string& file) {
  auto cannot_read = [&](int err) { return failure(file, std::string("cannot read: ") + std::strerror(err)); };
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cannot_read(errno);
  std::vector<std::uint8_t> bytes;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      static_cast<std::uint64_t>(st.st_size) <= kMaxBlobSize) {
    bytes.reserve(static_cast<std::size_t>(st.st_size));
  }
  std::uint8_t chunk[65536];
  for (;;) {
    ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int err = errno;
      ::close(fd);
      return cannot_read(err);
    }
    if (got == 0) break;
    bytes.insert(bytes.end(), chunk, chunk + got);
    if (bytes.size() > kMaxBlobSize) {
      ::close(fd);
      return failure(file, "too large: more than " + std::to_string(kMaxBlobSize) +
                               " bytes, larger than any flattened device tree");
    }
  }
  ::close(fd);
  return load_blob_bytes(file, std::move(bytes));
}

Expected<LoadedBlob> load_blob_bytes(const std::string& label, std::vector<std::uint8_t> bytes) {
  const std::size_t size = bytes.size();
  if (size == 0) return failure(label, "empty file");
  if (size < kHeaderSize) {
    return failure(label, "truncated: " + std::to_string(size) +
                              " bytes, shorter than a flattened device tree header");
  }
  if (size > kMaxBlobSize) {
    return failure(label, "too large: " + std::to_string(size) +
                              " bytes, larger than any flattened device tree");
  }
  std::uint32_t magic = be32_at(bytes, 0);
  if (magic != kFdtMagic) {
    char shown[16];
    std::snprintf(shown, sizeof shown, "0x%08x", magic);  // all 32 bits, as 0xd00dfeed reads
    return failure(label, std::string("bad magic ") + shown + " (expected 0xd00dfeed), not a flattened device tree");
  }
  std::uint32_t total = be32_at(bytes, 4);
  if (total > size) {
    return failure(label, "truncated: header says " + std::to_string(total) + " bytes, file has " +
                              std::to_string(size));
  }
  const void* fdt = bytes.data();  // vector storage is suitably aligned for libfdt
  if (int err = fdt_check_header(fdt); err != 0) return failure(label, header_problem(fdt, err));
  // libfdt reads versions from 2, but before version 16 a node's name is its full path, and
  // fdt_check_full() (libfdt 1.6.1) dereferences a null name when the root's lacks a slash (a
  // fuzz finding, testdata/fuzz/apply/version-2-root-name). dtc has written version 17 since 2007.
  if (fdt_version(fdt) < 16) {
    return failure(label, "unsupported version " + std::to_string(fdt_version(fdt)) +
                              ": before version 16 node names are full paths, which ovlcheck does not read "
                              "(dtc writes version 17)");
  }
  if (int n = fdt_num_mem_rsv(fdt); n < 0) {
    return failure(label, with_code(
        "memory reservation map has no terminating entry inside the blob", n));
  }
  if (int err = fdt_check_full(fdt, size); err != 0) return failure(label, content_problem(err));
  if (auto problem = shape_problem(fdt)) return failure(label, *problem);
  return unflatten(label, fdt);
}

}  // namespace ovl::fdt
