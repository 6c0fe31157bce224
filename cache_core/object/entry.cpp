#include "edgecache/entry.h"

#include "object/byte_codec.h"

namespace edgecache {
namespace {

// No step writes more files than this; a larger count is a corrupt entry.
constexpr uint32_t kMaxFiles = 4096;

// The file type bits of the encoded mode, as in st_mode.
constexpr uint32_t kTypeMask = 0170000;
constexpr uint32_t kTypeRegular = 0100000;
constexpr uint32_t kTypeSymlink = 0120000;

}  // namespace

const EntryFile* Entry::find(std::string_view role) const {
  for (const EntryFile& file : files) {
    if (file.role == role) return &file;
  }
  return nullptr;
}

const EntryFileView* EntryView::find(std::string_view role) const {
  for (const EntryFileView& file : files) {
    if (file.role == role) return &file;
  }
  return nullptr;
}

std::string encode_entry(const Entry& entry) {
  ByteWriter writer;
  writer.u32(static_cast<uint32_t>(entry.files.size()));
  for (const EntryFile& file : entry.files) {
    writer.bytes(file.role);
    uint32_t type = file.kind == EntryFileKind::kSymlink ? kTypeSymlink : kTypeRegular;
    writer.u32(type | (file.mode & 07777));
    writer.bytes(file.content);
  }
  writer.bytes(entry.stdout_text);
  writer.bytes(entry.stderr_text);
  writer.u32(static_cast<uint32_t>(entry.exit_status));
  writer.u64(entry.duration_ms);
  return std::move(writer.str());
}

Result<EntryView> decode_entry_view(std::string_view payload) {
  ByteReader reader(payload);
  EntryView entry;
  auto count = reader.u32();
  if (!count || *count > kMaxFiles) return Error{"entry: bad file count"};
  for (uint32_t i = 0; i < *count; ++i) {
    auto role = reader.bytes();
    auto mode = reader.u32();
    auto content = reader.bytes();
    if (!role || !mode || !content) return Error{"entry: truncated file record"};
    uint32_t type = *mode & kTypeMask;
    if (type != kTypeRegular && type != kTypeSymlink) return Error{"entry: unknown file type"};
    entry.files.emplace_back(
        *role, *mode & 07777, *content,
        type == kTypeSymlink ? EntryFileKind::kSymlink : EntryFileKind::kRegular);
  }
  auto out = reader.bytes();
  auto err = reader.bytes();
  auto status = reader.u32();
  auto duration = reader.u64();
  if (!out || !err || !status || !duration) return Error{"entry: truncated trailer"};
  if (!reader.at_end()) return Error{"entry: trailing bytes"};
  entry.stdout_text = *out;
  entry.stderr_text = *err;
  entry.exit_status = static_cast<int>(*status);
  entry.duration_ms = *duration;
  return entry;
}

Result<Entry> decode_entry(std::string_view payload) {
  auto view = decode_entry_view(payload);
  if (!view) return view.failure();
  Entry entry;
  for (const EntryFileView& file : view->files)
    entry.files.push_back(
        {std::string(file.role), file.mode, std::string(file.content), file.kind});
  entry.stdout_text = std::string(view->stdout_text);
  entry.stderr_text = std::string(view->stderr_text);
  entry.exit_status = view->exit_status;
  entry.duration_ms = view->duration_ms;
  return entry;
}

}  // namespace edgecache
