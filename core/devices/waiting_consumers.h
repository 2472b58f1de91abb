// Consumers that will wait forever. A device created by an overlay that has a driver but does not
// bind waits for something: a device link that orders its probe, a fwnode link to a supplier node
// without a device yet, or a supplier its driver looks up itself when it probes. Following those
// waits from device to device ends either
//  - at a supplier that never binds (no driver in --drivers) or a node that never becomes a
//    device (disabled, or its parent bound without creating it): supplier-never-ready, or
//  - back at a device already on the way: a dependency cycle the kernel did not (or, for a
//    driver's own lookups, could not) relax, where no device ever probes: cycle-blocking.
// A supplier that is disabled gets no link at all (of_link_to_phandle skips it), so nothing in
// the model waits for it; the consumer's driver does, when it looks the supplier up in probe and
// finds no provider (-EPROBE_DEFER): supplier-never-ready too, saying so.
#pragma once

#include "core/devices/device_model.h"
#include "core/kernel/kernel_log.h"

#include <vector>

namespace ovl {

struct WaitingConsumer {
  int overlay_id;   // the overlay that created the consumer
  Finding finding;  // supplier-never-ready or cycle-blocking; causes: the chain, consumer first
};

std::vector<WaitingConsumer> find_waiting_consumers(const DeviceModel& model);

}  // namespace ovl
