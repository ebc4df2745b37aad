#include "common/ltar/zstd_codec.h"

#include <zstd.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/ltar/dictionary.h"
#include "common/ltar/format.h"

namespace leancache::ltar {
namespace {

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// The prepared dictionaries are immutable after creation and may be shared by threads.
const ZSTD_CDict* SharedCDict() {
  static ZSTD_CDict* cdict = [] {
    std::string_view d = LeangzDictionary();
    return ZSTD_createCDict(d.data(), d.size(), kZstdLevel);
  }();
  return cdict;
}

const ZSTD_DDict* SharedDDict() {
  static ZSTD_DDict* ddict = [] {
    std::string_view d = LeangzDictionary();
    return ZSTD_createDDict(d.data(), d.size());
  }();
  return ddict;
}

absl::StatusOr<std::string> Compress(std::string_view data, bool with_dictionary) {
  // One context per thread, reset before each frame (a level-19 context is large).
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx(ZSTD_createCCtx());
  if (!cctx) return absl::ResourceExhaustedError("zstd: cannot allocate compression context");
  ZSTD_CCtx* c = cctx.get();
  ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
  size_t rc;
  if (with_dictionary) {
    const ZSTD_CDict* cdict = SharedCDict();
    if (cdict == nullptr) return absl::InternalError("zstd: cannot load the leangz dictionary");
    rc = ZSTD_CCtx_refCDict(c, cdict);
  } else {
    rc = ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, kZstdLevel);
  }
  if (ZSTD_isError(rc)) return absl::InternalError(absl::StrCat("zstd: ", ZSTD_getErrorName(rc)));

  std::string out;
  out.resize(ZSTD_compressBound(data.size()) + 64);
  ZSTD_outBuffer ob{out.data(), out.size(), 0};
  // Feed the data as ordinary stream input first and finish with an empty end call, like a
  // streaming writer: this keeps the source size unknown, so no content-size field is written
  // (the empty input is zstd's special case, which does get a zero content size).
  if (!data.empty()) {
    ZSTD_inBuffer ib{data.data(), data.size(), 0};
    while (ib.pos < ib.size) {
      rc = ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_continue);
      if (ZSTD_isError(rc)) return absl::InternalError(absl::StrCat("zstd: ", ZSTD_getErrorName(rc)));
      if (ob.pos == ob.size) {
        out.resize(out.size() * 2);
        ob.dst = out.data();
        ob.size = out.size();
      }
    }
  }
  ZSTD_inBuffer empty{nullptr, 0, 0};
  for (;;) {
    rc = ZSTD_compressStream2(c, &ob, &empty, ZSTD_e_end);
    if (ZSTD_isError(rc)) return absl::InternalError(absl::StrCat("zstd: ", ZSTD_getErrorName(rc)));
    if (rc == 0) break;
    out.resize(out.size() * 2);
    ob.dst = out.data();
    ob.size = out.size();
  }
  out.resize(ob.pos);
  return out;
}

}  // namespace

absl::StatusOr<std::string> ZstdCompress(std::string_view data) { return Compress(data, false); }

absl::StatusOr<std::string> ZstdCompressWithDictionary(std::string_view data) {
  return Compress(data, true);
}

absl::StatusOr<std::string_view> ZstdDecompressToScratch(std::string_view frames, bool with_dictionary,
                                                         uint64_t max_output_bytes, std::string_view what) {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
  // Grows to the largest output of the thread and is never shrunk or re-zeroed: decompressing
  // costs no allocation and no memset per file.
  thread_local std::string scratch;
  if (!dctx) return absl::ResourceExhaustedError("zstd: cannot allocate decompression context");
  ZSTD_DCtx* d = dctx.get();
  ZSTD_DCtx_reset(d, ZSTD_reset_session_and_parameters);
  if (with_dictionary) {
    const ZSTD_DDict* ddict = SharedDDict();
    if (ddict == nullptr) return absl::InternalError("zstd: cannot load the leangz dictionary");
    size_t rc = ZSTD_DCtx_refDDict(d, ddict);
    if (ZSTD_isError(rc)) return absl::InternalError(absl::StrCat("zstd: ", ZSTD_getErrorName(rc)));
  }
  if (frames.empty()) {
    return absl::DataLossError(absl::StrCat(std::string(what), ": empty zstd payload"));
  }
  // Room for one byte beyond the cap, so that exceeding it is detected.
  const uint64_t cap = max_output_bytes == UINT64_MAX ? max_output_bytes : max_output_bytes + 1;
  ZSTD_inBuffer ib{frames.data(), frames.size(), 0};
  size_t used = 0;
  for (;;) {
    if (used == scratch.size()) {  // geometric growth
      uint64_t grow = std::max<uint64_t>(ZSTD_DStreamOutSize(), scratch.size());
      scratch.resize(static_cast<size_t>(std::min<uint64_t>(scratch.size() + grow, std::max<uint64_t>(cap, used + 1))));
    }
    size_t want = static_cast<size_t>(std::min<uint64_t>(scratch.size(), cap) - used);
    if (want == 0) want = 1;
    ZSTD_outBuffer ob{scratch.data() + used, want, 0};
    size_t last = ZSTD_decompressStream(d, &ob, &ib);
    used += ob.pos;
    if (ZSTD_isError(last)) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(what), ": zstd error: ", ZSTD_getErrorName(last)));
    }
    if (used > max_output_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat(std::string(what), ": decompressed size exceeds the limit of ",
                       max_output_bytes, " bytes"));
    }
    // All input consumed and the frame complete and flushed (0), or the decoder did not fill the
    // buffer: done, or starved.
    if (ib.pos == ib.size && (last == 0 || ob.pos < want)) {
      if (last != 0) {
        return absl::DataLossError(absl::StrCat(std::string(what), ": truncated zstd frame"));
      }
      return std::string_view(scratch.data(), used);
    }
  }
}

absl::StatusOr<std::string> ZstdDecompress(std::string_view frames, bool with_dictionary,
                                           uint64_t max_output_bytes, std::string_view what) {
  absl::StatusOr<std::string_view> out = ZstdDecompressToScratch(frames, with_dictionary, max_output_bytes, what);
  if (!out.ok()) return out.status();
  return std::string(*out);
}

}  // namespace leancache::ltar
