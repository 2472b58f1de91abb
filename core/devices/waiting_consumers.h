// Consumers that will wait forever: a device created by an overlay whose device link (one that
// orders probing, not SYNC_STATE_ONLY) leads to a supplier that never binds, because no driver
// matches it (--drivers) or because it waits itself, down a chain to such a supplier.
// Only device links are followed: a fwnode link to a node that never becomes a device (disabled,
// OF_DECLARE) is not visible here yet.
#pragma once

#include "core/devices/device_model.h"
#include "core/kernel/kernel_log.h"

#include <vector>

namespace ovl {

struct WaitingConsumer {
  int overlay_id;   // the overlay that created the consumer
  Finding finding;  // supplier-never-ready; causes: the chain, consumer first
};

std::vector<WaitingConsumer> find_waiting_consumers(const DeviceModel& model);

}  // namespace ovl
