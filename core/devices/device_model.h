// The kernel's devices for device-tree nodes and the device links fw_devlink makes between them:
// which nodes become platform, i2c or spi devices at boot and on of_reconfig notifications, who
// holds whose references, and when a link's references are dropped (from deferred work).
//
// Rules: ../shared/docs/kernel-model-of.md §2 and kernel-model-devlink.md §1-§3. Behaviour that
// changed between releases is read from the KernelProfile.
#pragma once

#include "core/devices/bus_controllers.h"
#include "core/devices/driver_set.h"
#include "core/kernel/kernel_log.h"
#include "core/kernel/kernel_profile.h"
#include "core/kernel/trace.h"
#include "core/tree/changeset_action.h"
#include "core/tree/device_tree.h"
#include "core/tree/node_refs.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ovl {

using DeviceId = std::uint32_t;
using LinkId = std::uint32_t;
inline constexpr DeviceId kNoDevice = UINT32_MAX;

enum class Bus { kPlatform, kI2c, kSpi };
const char* bus_name(Bus bus);

struct Device {
  NodeId node = kNoNode;
  Bus bus = Bus::kPlatform;
  DeviceId parent = kNoDevice;
  int overlay_id = 0;       // the overlay whose apply created it; 0 at boot
  bool registered = false;  // between device_add() and device_del()
  bool probing = false;     // its driver's probe is running
  bool bound = false;       // a driver is bound
  bool populated_children = false;  // its probe populated its children (of_platform_populate)
  // Set when it binds: the i2c or spi bus it registers (if any), and which rule said so.
  BusDecision hosts;
  // Device references: 1 for registration, +1 per live or not-yet-freed device link.
  int refs = 0;
  bool released = false;
  std::vector<LinkId> links;       // every link naming it, as consumer or supplier
  std::vector<DeviceId> children;  // devices whose parent it is, in creation order
  // What held its probe back when last asked (a pending supplier or a link to an unbound one).
  struct WaitsFor {
    // kProbeNeed: its driver looks the supplier up itself (kernel_drivers.h).
    enum Kind { kNothing, kPending, kLink, kProbeNeed } kind = kNothing;
    std::size_t index = 0;  // into the pending suppliers or the links; the supplier node
  } waits_for;
};

enum class LinkState { kActive, kDeleted, kFreed };

struct DeviceLink {
  DeviceId consumer = kNoDevice;
  DeviceId supplier = kNoDevice;
  NodeId consumer_node = kNoNode;  // the nodes whose property made it
  NodeId supplier_node = kNoNode;
  std::string property;
  std::vector<std::string> flags;  // DL_FLAG_* names without the prefix
  bool sync_state_only = false;
  int overlay_id = 0;
  LinkState state = LinkState::kActive;
  bool has_flag(std::string_view name) const;
};

// A pending "consumer node needs supplier node" that has not become a device link yet (a
// fwnode link, v5.11+; earlier kernels keep the consumer on a wait list: the same effect).
struct PendingSupplier {
  NodeId consumer = kNoNode;
  NodeId supplier = kNoNode;
  std::string property;
  bool ignore = false;  // post-init-providers: never a device link
  bool live = true;     // false once it became a device link or was given up
  bool cycle = false;   // FWLINK_FLAG_CYCLE: on a dependency cycle, so it orders nothing
};

// What happened to devices and links during one operation, for reports.
struct DeviceEvent {
  NodeId node;
  Bus bus;
  bool created;
};

class DeviceModel {
 public:
  // `put_node` drops a node reference (the caller owns of_node_release and its messages).
  using NodePut = std::function<void(NodeId, const std::string& holder, KernelLog& log)>;

  DeviceModel(DeviceTree& tree, NodeRefs& refs, const KernelProfile& profile, DriverSet drivers,
              NodePut put_node);

  // of_platform_default_populate() at boot, after the OF_DECLARE providers are set up.
  void populate_at_boot(KernelLog& log);
  // One of_reconfig notification (drivers/of/dynamic.c); `overlay_id` tags what it creates.
  void notify(ChangesetAction action, NodeId node, const Property* property,
              const Property* old_property, int overlay_id, KernelLog& log);

  // fw_devlink_refresh_fwnode() after an overlay's notifications: the nearest bound bus device at
  // or above `node` picks up the consumers of its children that got no device.
  void refresh_fwnode(NodeId node, KernelLog& log);

  // Deferred link releases not yet run (call_srcu callbacks or device_link_wq work items).
  const std::vector<LinkId>& pending_releases() const { return pending_; }
  // Runs one pending release (by position in pending_releases()), or all (a barrier).
  void run_release(std::size_t index, KernelLog& log);
  void run_all_releases(KernelLog& log);

  const DeviceTree& tree() const { return tree_; }
  const std::vector<Device>& devices() const { return devices_; }
  const std::vector<DeviceLink>& links() const { return links_; }
  DeviceId device_of(NodeId node) const;
  const DriverSet& drivers() const { return drivers_; }
  const KernelProfile& profile() const { return profile_; }
  const std::vector<PendingSupplier>& pending_suppliers() const { return pending_suppliers_; }
  // What keeps a device from probing now (nothing when it could probe).
  Device::WaitsFor what_holds_back(DeviceId id) const;
  DeviceId nearest_ancestor_device(NodeId node) const;
  std::string device_label(DeviceId id) const;  // "platform device /soc/clk"
  std::string link_label(LinkId id) const;      // "device link /a -> /b (clocks)"
  // A node-reference holder in words, with the device links that keep a device holder alive
  // while their deferred release is pending.
  std::string explain_holder(const std::string& holder) const;
  // Whether `holder` is an unregistered device whose only remaining references are device links
  // waiting for their deferred release; `links` gets those links' labels.
  bool held_only_by_pending_links(const std::string& holder, std::vector<std::string>& links) const;
  // The device that holds node references under this name, or kNoDevice.
  DeviceId device_holding_as(const std::string& holder) const;

  void set_trace(Trace* trace) { trace_ = trace; }
  std::vector<DeviceEvent> take_device_events();
  std::vector<LinkId> take_new_links();

 private:
  DeviceId create_device(NodeId node, Bus bus, DeviceId parent, int overlay_id, KernelLog& log);
  void device_add(DeviceId id, KernelLog& log);
  void device_unregister(DeviceId id, KernelLog& log);
  void device_put(DeviceId id, KernelLog& log);
  void try_probe(DeviceId id, KernelLog& log);
  void retry_deferred_probes(KernelLog& log);
  bool suppliers_ready(DeviceId id);
  bool still_waiting(DeviceId id) const;
  bool provider_registered(NodeId node) const;
  void probe(DeviceId id, KernelLog& log);
  void driver_probe(DeviceId id, KernelLog& log);
  void driver_bound(DeviceId id, KernelLog& log);
  void unbind(DeviceId id, KernelLog& log);

  bool create_platform_device(NodeId node, DeviceId parent, int overlay_id, KernelLog& log);
  void destroy_platform_device(DeviceId id, KernelLog& log);
  void populate_bus(NodeId bus, DeviceId parent, bool strict, int overlay_id, KernelLog& log);
  void populate_clients(DeviceId controller, NodeId bus_node, Bus bus, KernelLog& log);
  bool create_client(NodeId node, Bus bus, DeviceId controller, int overlay_id, KernelLog& log);
  void pick_up_dangling_consumers(DeviceId id, KernelLog& log);
  DeviceId hosting_controller(NodeId node, Bus bus) const;

  // fw_devlink (fw_devlink.cpp)
  enum class LinkResult { kDone, kWait, kGiveUp };
  void parse_supplier_tree(NodeId node, KernelLog& log);
  void add_pending(NodeId consumer, NodeId supplier, const std::string& property, bool ignore);
  void link_device(DeviceId id, KernelLog& log);
  void link_waiting_consumers(DeviceId id, KernelLog& log);
  void link_to_suppliers(DeviceId id, NodeId node, KernelLog& log);
  LinkResult create_devlink(DeviceId consumer, std::size_t pending_index, bool own, KernelLog& log);
  bool fix_pending_cycle(DeviceId consumer, std::size_t pending_index, KernelLog& log);
  DeviceId supplier_device(NodeId supplier_node) const;
  bool initialized_without_driver(NodeId node) const;
  // the v6.3 cycle search (cycle_search.cpp)
  bool relax_cycles(NodeId consumer, NodeId supplier);
  bool cycle_from(NodeId consumer, NodeId node);
  void relax_link(LinkId id);
  // device links (device_links.cpp)
  bool device_is_dependent(DeviceId consumer, DeviceId supplier, std::vector<LinkId>& cycle) const;
  std::vector<std::string> relaxed_flags() const;
  bool device_link_add(DeviceId consumer, DeviceId supplier, const PendingSupplier& why,
                       std::vector<std::string> flags, KernelLog& log);
  void device_link_del(LinkId id, KernelLog& log);
  void free_link(LinkId id, KernelLog& log);

  DeviceTree& tree_;
  NodeRefs& refs_;
  const KernelProfile& profile_;
  DriverSet drivers_;
  NodePut put_node_;
  Trace* trace_ = nullptr;
  // of_platform_default_populate() runs before drivers register: at boot every device exists
  // before any binds, so probing waits until populate_at_boot() has created them all.
  bool populating_at_boot_ = false;

  std::vector<Device> devices_;
  std::vector<DeviceLink> links_;
  std::unordered_map<NodeId, DeviceId> device_by_node_;  // fwnode->dev: the primary device
  std::unordered_map<std::string, std::vector<DeviceId>> devices_by_label_;  // holder names
  std::vector<PendingSupplier> pending_suppliers_;
  std::unordered_map<NodeId, std::vector<std::size_t>> pending_by_consumer_;
  std::unordered_map<NodeId, std::vector<std::size_t>> pending_by_supplier_;
  std::vector<LinkId> pending_;
  std::vector<DeviceId> deferred_probes_;
  std::vector<DeviceEvent> device_events_;
  std::vector<LinkId> new_links_;
  // Scratch space of device_is_dependent(), kept between calls (see there).
  struct DependencyWalk {
    std::uint32_t number = 0;
    std::vector<std::uint32_t> seen;                          // walk number that last reached it
    std::vector<std::pair<DeviceId, LinkId>> came_from;       // how it was reached
    std::vector<DeviceId> stack;
  };
  mutable DependencyWalk dependency_walk_;
  // Scratch space of relax_cycles(): per node, the search that last reached it and what it found.
  struct CycleSearch {
    std::uint32_t number = 0;
    std::vector<std::uint32_t> walk;
    std::vector<std::uint8_t> state;
  };
  CycleSearch cycle_search_;
};

}  // namespace ovl
