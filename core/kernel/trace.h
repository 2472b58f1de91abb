// An ordered record of what a replay did, for `--trace`: changeset entries, notifications,
// devices, device links, deferred releases, the barrier, the destroy checks, and every node
// reference taken or dropped with the count after it.
#pragma once

#include <string>
#include <vector>

namespace ovl {

struct TraceEvent {
  std::string kind;  // "entry", "notify", "device", "link", "release", "barrier", "destroy", "get", "put"
  std::string text;
  std::string node;   // the node concerned, if any
  int refcount = -1;  // the node's reference count after the event; -1 when not a node event
};

class Trace {
 public:
  void enable() { enabled_ = true; }
  bool enabled() const { return enabled_; }
  void record(std::string kind, std::string text, std::string node = "", int refcount = -1) {
    if (enabled_) events_.push_back({std::move(kind), std::move(text), std::move(node), refcount});
  }
  const std::vector<TraceEvent>& events() const { return events_; }

 private:
  bool enabled_ = false;
  std::vector<TraceEvent> events_;
};

}  // namespace ovl
