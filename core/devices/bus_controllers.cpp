#include "core/devices/bus_controllers.h"

#include <array>
#include <regex>

namespace ovl {
namespace {

struct KnownDriver {
  std::string_view compatible;
  HostedBus bus;
  std::string_view source;  // the driver that matches it (Linux 6.1 tree)
};

// Drivers whose probe registers an i2c adapter (i2c_add_adapter / i2c_add_numbered_adapter) or an
// spi controller (spi_register_controller): the bit-bang ones and common SoC controllers. The
// multiplexers register an adapter per channel child instead (is_mux_channel), so their own node
// hosts nothing; they are listed so that their node name (often "i2c-mux") does not decide.
constexpr std::array<KnownDriver, 43> kKnownDrivers = {{
    {"i2c-gpio", HostedBus::kI2c, "drivers/i2c/busses/i2c-gpio.c"},
    {"brcm,bcm2835-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-bcm2835.c"},
    {"brcm,bcm2711-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-bcm2835.c"},
    {"snps,designware-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-designware-platdrv.c"},
    {"fsl,imx1-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-imx.c"},
    {"fsl,imx21-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-imx.c"},
    {"ti,omap4-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-omap.c"},
    {"rockchip,rk3399-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-rk3x.c"},
    {"marvell,mv64xxx-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-mv64xxx.c"},
    {"allwinner,sun6i-a31-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-mv64xxx.c"},
    {"nvidia,tegra20-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-tegra.c"},
    {"st,stm32f7-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-stm32f7.c"},
    {"cdns,i2c-r1p14", HostedBus::kI2c, "drivers/i2c/busses/i2c-cadence.c"},
    {"opencores,i2c-ocores", HostedBus::kI2c, "drivers/i2c/busses/i2c-ocores.c"},
    {"arm,versatile-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-versatile.c"},
    {"qcom,i2c-qup-v2.2.1", HostedBus::kI2c, "drivers/i2c/busses/i2c-qup.c"},
    {"xlnx,xps-iic-2.00.a", HostedBus::kI2c, "drivers/i2c/busses/i2c-xiic.c"},
    {"samsung,s3c2440-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-s3c2410.c"},
    {"mediatek,mt8173-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-mt65xx.c"},
    {"renesas,rcar-gen3-i2c", HostedBus::kI2c, "drivers/i2c/busses/i2c-rcar.c"},
    {"spi-gpio", HostedBus::kSpi, "drivers/spi/spi-gpio.c"},
    {"brcm,bcm2835-spi", HostedBus::kSpi, "drivers/spi/spi-bcm2835.c"},
    {"brcm,bcm2835-aux-spi", HostedBus::kSpi, "drivers/spi/spi-bcm2835aux.c"},
    {"arm,pl022", HostedBus::kSpi, "drivers/spi/spi-pl022.c (an AMBA driver)"},
    {"snps,dw-apb-ssi", HostedBus::kSpi, "drivers/spi/spi-dw-mmio.c"},
    {"fsl,imx51-ecspi", HostedBus::kSpi, "drivers/spi/spi-imx.c"},
    {"rockchip,rk3066-spi", HostedBus::kSpi, "drivers/spi/spi-rockchip.c"},
    {"ti,omap4-mcspi", HostedBus::kSpi, "drivers/spi/spi-omap2-mcspi.c"},
    {"allwinner,sun6i-a31-spi", HostedBus::kSpi, "drivers/spi/spi-sun6i.c"},
    {"st,stm32h7-spi", HostedBus::kSpi, "drivers/spi/spi-stm32.c"},
    {"xlnx,xps-spi-2.00.a", HostedBus::kSpi, "drivers/spi/spi-xilinx.c"},
    {"cdns,spi-r1p6", HostedBus::kSpi, "drivers/spi/spi-cadence.c"},
    {"atmel,at91rm9200-spi", HostedBus::kSpi, "drivers/spi/spi-atmel.c"},
    {"nvidia,tegra114-spi", HostedBus::kSpi, "drivers/spi/spi-tegra114.c"},
    {"qcom,spi-qup-v2.2.1", HostedBus::kSpi, "drivers/spi/spi-qup.c"},
    {"samsung,exynos4210-spi", HostedBus::kSpi, "drivers/spi/spi-s3c64xx.c"},
    {"renesas,rspi", HostedBus::kSpi, "drivers/spi/spi-rspi.c"},
    {"mediatek,mt8173-spi", HostedBus::kSpi, "drivers/spi/spi-mt65xx.c"},
    {"amlogic,meson-axg-spicc", HostedBus::kSpi, "drivers/spi/spi-meson-spicc.c"},
    {"i2c-mux-gpio", HostedBus::kNone, "drivers/i2c/muxes/i2c-mux-gpio.c (channels are the adapters)"},
    {"i2c-mux-pinctrl", HostedBus::kNone, "drivers/i2c/muxes/i2c-mux-pinctrl.c (channels are the adapters)"},
    {"nxp,pca9546", HostedBus::kNone, "drivers/i2c/muxes/i2c-mux-pca954x.c (channels are the adapters)"},
    {"nxp,pca9548", HostedBus::kNone, "drivers/i2c/muxes/i2c-mux-pca954x.c (channels are the adapters)"},
}};

const KnownDriver* known_driver(const std::string& compatible) {
  for (const KnownDriver& d : kKnownDrivers) {
    if (d.compatible == compatible) return &d;
  }
  return nullptr;
}

constexpr std::string_view kNodeNameSource =
    "node-name pattern: dt-schema i2c/i2c-controller.yaml ^i2c(@.*|-[0-9a-z]+)?$, Linux 6.12 "
    "Documentation/devicetree/bindings/spi/spi-controller.yaml ^spi(@.*|-([0-9]|[1-9][0-9]+))?$";

}  // namespace

const char* hosted_bus_name(HostedBus bus) {
  switch (bus) {
    case HostedBus::kI2c: return "i2c";
    case HostedBus::kSpi: return "spi";
    case HostedBus::kNone: return "none";
  }
  return "none";
}

const char* bus_rule_name(BusRule rule) {
  switch (rule) {
    case BusRule::kDriversFile: return "drivers-file";
    case BusRule::kCompatibleTable: return "compatible-table";
    case BusRule::kNodeName: return "node-name";
  }
  return "node-name";
}

HostedBus bus_by_node_name(std::string_view full_name) {
  // $nodename patterns of the devicetree schema (whole node name, unit address included). The
  // i2c one is dt-schema's as dtbs_check reports it today (older dt-schema: "^i2c(@.*)?"); the
  // spi one is Linux 6.12's (6.1 had "^spi(@.*|-[0-9a-f])*$"). Neither accepts "spi-gpio".
  static const std::regex kI2c(R"(^i2c(@.*|-[0-9a-z]+)?$)");
  static const std::regex kSpi(R"(^spi(@.*|-([0-9]|[1-9][0-9]+))?$)");
  std::string name(full_name);
  if (std::regex_match(name, kI2c)) return HostedBus::kI2c;
  if (std::regex_match(name, kSpi)) return HostedBus::kSpi;
  return HostedBus::kNone;
}

BusDecision decide_hosted_bus(const DeviceTree& tree, NodeId node, const DriverSet& drivers) {
  for (const std::string& compatible : compatibles_of(tree, node)) {
    if (auto stated = drivers.stated_bus(compatible)) {
      return {*stated, BusRule::kDriversFile, compatible, "the --drivers file"};
    }
    if (const KnownDriver* known = known_driver(compatible); known != nullptr && drivers.matches(compatible)) {
      return {known->bus, BusRule::kCompatibleTable, compatible, known->source};
    }
  }
  return {bus_by_node_name(tree.node(node).full_name), BusRule::kNodeName, "", kNodeNameSource};
}

bool is_mux_channel(const DeviceTree& tree, NodeId node) {
  return tree.node(node).properties.find("compatible") == nullptr &&
         bus_by_node_name(tree.node(node).full_name) != HostedBus::kNone;
}

}  // namespace ovl
