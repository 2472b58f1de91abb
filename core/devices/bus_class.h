// Which client bus a bound device registers, and what told ovlcheck so. In the kernel a node
// hosts an i2c or spi bus because the driver bound to it registers an adapter or controller
// (i2c_add_adapter -> of_i2c_register_devices, spi_register_controller ->
// of_register_spi_devices), never because of its name.
#pragma once

namespace ovl {

enum class HostedBus { kNone, kI2c, kSpi };

// What decided the class of a node (reports name it).
enum class BusRule {
  kDriversFile,      // a `bus=` word in the --drivers file, for the bound compatible
  kCompatibleTable,  // ovlcheck's table of adapter/controller drivers (core/devices/bus_controllers.cpp)
  kNodeName,         // fallback: the dt-schema node-name pattern (compatible unknown)
};

const char* hosted_bus_name(HostedBus bus);  // "i2c", "spi", "none"
const char* bus_rule_name(BusRule rule);     // "drivers-file", "compatible-table", ...

}  // namespace ovl
