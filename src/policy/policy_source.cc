#include "policy/policy_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace aftersales::internal {

namespace fs = std::filesystem;

namespace {

// An error code's message as a reason inside a sentence: "no such file or
// directory", not "No such file or directory".
std::string Reason(const std::error_code& ec) {
  std::string m = ec.message();
  if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
  return m;
}

std::string Folded(const fs::path& p) {
  std::string shown = p.lexically_normal().generic_string();
  while (shown.size() > 1 && shown.back() == '/') shown.pop_back();
  return shown.empty() ? std::string(".") : shown;
}

}  // namespace

bool IsPolicyFileName(std::string_view name) {
  const std::string ext = fs::path(std::string(name)).extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// ---- PolicyFileSource -----------------------------------------------------

std::string PolicyFileSource::ResolvePlain(const std::string& from, const std::string& name) {
  return Folded(fs::path(from).parent_path() / fs::path(name));
}

std::string PolicyFileSource::Resolve(const std::string& from, const std::string& name) const {
  return ResolvePlain(from, name);
}

// ---- DiskSource -----------------------------------------------------------

PathInfo DiskSource::Stat(const std::string& path) const {
  std::error_code ec;
  fs::file_status status = fs::status(fs::path(path), ec);
  if (ec || !fs::exists(status)) {
    return PathInfo{PathInfo::Kind::kMissing,
                    ec ? Reason(ec) : std::string("no such file or directory")};
  }
  return PathInfo{fs::is_directory(status) ? PathInfo::Kind::kFolder : PathInfo::Kind::kFile, {}};
}

FolderListing DiskSource::List(const std::string& path) const {
  FolderListing listing;
  const fs::path root(path);
  std::vector<fs::path> names;
  std::error_code ec;
  fs::directory_iterator it(root, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code file_ec;
    if (IsPolicyFileName(it->path().filename().string()) && it->is_regular_file(file_ec)) {
      names.push_back(it->path().filename());
    }
  }
  if (ec) {
    listing.message = "cannot list the policy folder: " + Reason(ec);
    return listing;
  }
  std::sort(names.begin(), names.end());
  for (const fs::path& name : names) listing.files.push_back((root / name).generic_string());
  listing.ok = true;
  return listing;
}

FileText DiskSource::Read(const std::string& path, std::size_t max_bytes) const {
  FileText out;
  std::error_code ec;
  std::uintmax_t size = fs::file_size(fs::path(path), ec);
  if (ec) {
    out.message = "cannot read the policy file: " + Reason(ec);
    return out;
  }
  if (size > max_bytes) {
    out.status = FileText::Status::kTooLarge;
    return out;
  }
  std::ifstream in(fs::path(path), std::ios::binary);
  if (!in) {
    out.message = "cannot open the policy file";
    return out;
  }
  // Read in blocks up to one byte past the limit (the size asked may be
  // stale): a character at a time through istreambuf_iterator was a tenth
  // of loading a large snapshot.
  std::string text;
  text.resize(static_cast<std::size_t>(size));
  std::size_t got = 0;
  while (in && got <= max_bytes) {
    if (got == text.size()) text.resize(got + std::min<std::size_t>(std::max<std::size_t>(got, 4096), max_bytes + 1 - got));
    in.read(text.data() + got, static_cast<std::streamsize>(text.size() - got));
    got += static_cast<std::size_t>(in.gcount());
  }
  text.resize(got);
  if (in.bad()) {
    out.message = "error while reading the policy file";
    return out;
  }
  // The file may have grown since its size was asked.
  if (text.size() > max_bytes) {
    out.status = FileText::Status::kTooLarge;
    return out;
  }
  out.status = FileText::Status::kOk;
  out.text = std::move(text);
  return out;
}

std::string DiskSource::Key(const std::string& path) const {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(fs::path(path), ec);
  return ec ? path : canonical.generic_string();
}

// ---- MemorySource ---------------------------------------------------------

std::string MemorySource::Fold(std::string_view path) {
  return Folded(fs::path(std::string(path)));
}

std::string MemorySource::FolderOf(std::string_view name) {
  return Folded(fs::path(Fold(name)).parent_path());
}

MemorySource::MemorySource(const std::vector<std::pair<std::string, std::string>>& files) {
  for (const auto& [name, text] : files) files_.emplace(Fold(name), std::string_view(text));
}

namespace {

// Whether the folded name `name` is inside the folded folder `folder`, at
// any depth.
bool Inside(const std::string& name, const std::string& folder) {
  if (folder == ".")
    return name != "." && name.rfind("../", 0) != 0 && name != ".." && name[0] != '/';
  return name.size() > folder.size() + 1 && name.compare(0, folder.size(), folder) == 0 &&
         name[folder.size()] == '/';
}

}  // namespace

PathInfo MemorySource::Stat(const std::string& path) const {
  const std::string folded = Fold(path);
  if (files_.count(folded) != 0) return PathInfo{PathInfo::Kind::kFile, {}};
  for (const auto& [name, text] : files_) {
    if (Inside(name, folded)) return PathInfo{PathInfo::Kind::kFolder, {}};
  }
  return PathInfo{PathInfo::Kind::kMissing, "no such file or directory"};
}

FolderListing MemorySource::List(const std::string& path) const {
  FolderListing listing;
  const std::string folded = Fold(path);
  for (const auto& [name, text] : files_) {
    if (!Inside(name, folded)) continue;
    const std::string rest = folded == "." ? name : name.substr(folded.size() + 1);
    if (rest.find('/') == std::string::npos && IsPolicyFileName(rest))
      listing.files.push_back(name);
  }
  // The map is in byte order of the whole name; within one folder that is
  // the order of the file names.
  listing.ok = true;
  return listing;
}

FileText MemorySource::Read(const std::string& path, std::size_t max_bytes) const {
  FileText out;
  auto it = files_.find(Fold(path));
  if (it == files_.end()) {
    out.message = "cannot read the policy file: no such file or directory";
    return out;
  }
  if (it->second.size() > max_bytes) {
    out.status = FileText::Status::kTooLarge;
    return out;
  }
  out.status = FileText::Status::kOk;
  out.text = std::string(it->second);
  return out;
}

std::string MemorySource::Key(const std::string& path) const { return Fold(path); }

}  // namespace aftersales::internal
