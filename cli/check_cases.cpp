#include "cli/check_cases.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

namespace ovl::cli {
namespace {

namespace fs = std::filesystem;

bool has_overlay_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  return ext == ".dtbo" || ext == ".dts" || ext == ".dtso";
}

std::string case_name(const std::string& base, const std::vector<std::string>& overlays) {
  std::string name = base;
  for (std::size_t i = 0; i < overlays.size(); ++i) name += (i == 0 ? " + " : ", ") + overlays[i];
  return name;
}

// A path from a manifest, made relative to the manifest's directory; `live`/`live-tree` as is.
std::string resolve(const fs::path& dir, const std::string& path, bool base) {
  if (base && (path == "live" || path == "live-tree")) return path;
  if (fs::path(path).is_absolute() || dir.empty()) return path;
  return (dir / path).lexically_normal().string();
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, sep)) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

void add_case(std::vector<CheckCase>& cases, std::string name, std::string base, std::vector<std::string> overlays,
              const std::vector<std::string>& kernels) {
  if (name.empty()) name = case_name(base, overlays);
  if (kernels.empty()) {
    cases.push_back({name, base, overlays, ""});
    return;
  }
  for (const std::string& kernel : kernels) cases.push_back({name, base, overlays, kernel});
}

// Whether one insertion, deletion, substitution or swap of neighbours turns `a` into `b`.
bool one_edit_apart(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() < b.size()) return a.substr(i) == b.substr(i + 1);
  if (a.substr(i + 1) == b.substr(i + 1)) return true;
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);
}

Expected<std::vector<CheckCase>> json_manifest(const std::string& file, const std::string& text, const fs::path& dir) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return Error{"'" + file + "': not valid JSON"};
  const nlohmann::json* list = &doc;
  if (doc.is_object()) {
    if (!doc.contains("cases")) return Error{"'" + file + "': no \"cases\" list"};
    list = &doc["cases"];
  }
  if (!list->is_array()) return Error{"'" + file + "': the cases must be a JSON list"};
  std::vector<CheckCase> cases;
  std::size_t number = 0;
  for (const nlohmann::json& c : *list) {
    std::string where = "'" + file + "': case " + std::to_string(++number) + ": ";
    if (!c.is_object()) return Error{where + "not an object"};
    // Other keys are allowed (the shared corpus's manifest carries provenance), but one a single
    // typo away from a key read here ("overlay", "kernel") would silently drop part of the case.
    for (const auto& [key, value] : c.items()) {
      for (const char* known : {"base", "overlays", "kernels", "name"}) {
        if (key != known && one_edit_apart(key, known)) {
          return Error{where + "unknown key \"" + key + "\" (did you mean \"" + known + "\"?)"};
        }
      }
    }
    if (!c.contains("base") || !c["base"].is_string()) return Error{where + "\"base\" (a file name) is missing"};
    std::vector<std::string> overlays;
    if (c.contains("overlays")) {
      if (!c["overlays"].is_array()) return Error{where + "\"overlays\" must be a list of file names"};
      for (const nlohmann::json& o : c["overlays"]) {
        if (!o.is_string()) return Error{where + "\"overlays\" must be a list of file names"};
        overlays.push_back(resolve(dir, o.get<std::string>(), false));
      }
    }
    std::vector<std::string> kernels;
    if (c.contains("kernels")) {
      if (!c["kernels"].is_array()) return Error{where + "\"kernels\" must be a list of versions"};
      for (const nlohmann::json& k : c["kernels"]) {
        if (!k.is_string()) return Error{where + "\"kernels\" must be a list of versions"};
        kernels.push_back(k.get<std::string>());
      }
    }
    std::string name;
    if (c.contains("name")) {
      if (!c["name"].is_string()) return Error{where + "\"name\" must be a string"};
      name = c["name"].get<std::string>();
    }
    add_case(cases, name, resolve(dir, c["base"].get<std::string>(), true), std::move(overlays), kernels);
  }
  return cases;
}

Expected<std::vector<CheckCase>> text_manifest(const std::string& file, const std::string& text, const fs::path& dir) {
  std::vector<CheckCase> cases;
  std::stringstream in(text);
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = line.substr(0, line.find('#'));
    std::stringstream words(line);
    std::vector<std::string> files;
    std::vector<std::string> kernels;
    std::string word;
    while (words >> word) {
      if (word.rfind("kernel=", 0) == 0) {
        kernels = split(word.substr(7), ',');
        if (kernels.empty()) return Error{"'" + file + "': line " + std::to_string(number) + ": kernel= names no version"};
      } else {
        files.push_back(word);
      }
    }
    if (files.empty()) {
      if (!kernels.empty()) return Error{"'" + file + "': line " + std::to_string(number) + ": no base"};
      continue;
    }
    std::string base = resolve(dir, files.front(), true);
    std::vector<std::string> overlays;
    for (std::size_t i = 1; i < files.size(); ++i) overlays.push_back(resolve(dir, files[i], false));
    add_case(cases, "", base, std::move(overlays), kernels);
  }
  return cases;
}

}  // namespace

Expected<std::vector<std::string>> overlay_files(const std::vector<std::string>& arguments) {
  std::vector<std::string> files;
  for (const std::string& argument : arguments) {
    std::error_code ec;
    if (!fs::is_directory(argument, ec)) {
      files.push_back(argument);  // read (and its errors reported) with the other inputs
      continue;
    }
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(argument, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec) && has_overlay_extension(it->path())) found.push_back(it->path().string());
    }
    if (ec) return Error{"'" + argument + "': " + ec.message()};
    if (found.empty()) return Error{"'" + argument + "': no .dtbo, .dts or .dtso file in this directory"};
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::vector<CheckCase> cross_cases(const std::vector<std::string>& bases, const std::vector<std::string>& overlays) {
  std::vector<CheckCase> cases;
  for (const std::string& base : bases) {
    for (const std::string& overlay : overlays) cases.push_back({case_name(base, {overlay}), base, {overlay}, ""});
  }
  return cases;
}

Expected<std::vector<CheckCase>> manifest_cases(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{"'" + file + "': cannot read the manifest"};
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  fs::path dir = fs::path(file).parent_path();
  std::size_t first = text.find_first_not_of(" \t\r\n");
  bool json = fs::path(file).extension() == ".json" || (first != std::string::npos && (text[first] == '[' || text[first] == '{'));
  auto cases = json ? json_manifest(file, text, dir) : text_manifest(file, text, dir);
  if (cases && cases->empty()) return Error{"'" + file + "': the manifest names no case"};
  return cases;
}

std::vector<CheckCase> with_kernels(const std::vector<CheckCase>& cases, const std::vector<std::string>& kernels) {
  std::vector<CheckCase> out;
  for (const CheckCase& c : cases) {
    if (!c.kernel.empty()) {
      out.push_back(c);
      continue;
    }
    for (const std::string& kernel : kernels) {
      out.push_back(c);
      out.back().kernel = kernel;
    }
  }
  return out;
}

}  // namespace ovl::cli
