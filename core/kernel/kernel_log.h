// Lines the kernel would print, in order, and the findings ovlcheck draws from them.
#pragma once

#include <string>
#include <vector>

namespace ovl {

enum class Severity { kError, kWarning, kInfo };
const char* severity_name(Severity severity);  // "error", "warning", "info"

struct KernelLine {
  Severity level;
  std::string text;  // exactly as in dmesg, prefix included ("OF: overlay: ...")
};

// One thing ovlcheck has to tell its user. `code` is stable (scripts match on it); `message` is
// the kernel's own line where the kernel prints one, else empty.
struct Finding {
  std::string code;
  Severity severity = Severity::kError;
  std::string path;     // node or node/property the finding is about; may be empty
  std::string message;  // the kernel line
  std::string detail;   // what it means, in words
  std::vector<std::string> causes;  // who or what is behind it, outermost first
};

// The kernel log of one operation plus its findings, in the order they arise.
class KernelLog {
 public:
  void print(Severity level, std::string text) { lines_.push_back({level, std::move(text)}); }
  void add(Finding finding) { findings_.push_back(std::move(finding)); }
  // A finding that is also a kernel line.
  void report(Finding finding) {
    if (!finding.message.empty()) print(finding.severity, finding.message);
    add(std::move(finding));
  }

  const std::vector<KernelLine>& lines() const { return lines_; }
  const std::vector<Finding>& findings() const { return findings_; }
  bool has_error() const;

 private:
  std::vector<KernelLine> lines_;
  std::vector<Finding> findings_;
};

}  // namespace ovl
