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

absl::StatusOr<std::string> ZstdDecompress(std::string_view frames, bool with_dictionary,
                                           uint64_t max_output_bytes, std::string_view what) {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
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
  std::string out;
  size_t chunk = ZSTD_DStreamOutSize();
  ZSTD_inBuffer ib{frames.data(), frames.size(), 0};
  size_t last = 0;
  for (;;) {
    size_t used = out.size();
    size_t grow = std::max(chunk, used);  // geometric growth
    uint64_t room = max_output_bytes - std::min<uint64_t>(max_output_bytes, used);
    // Allow one byte beyond the cap so that exceeding it is detected.
    size_t want = static_cast<size_t>(std::min<uint64_t>(grow, room + 1));
    if (want == 0) want = 1;
    out.resize(used + want);
    ZSTD_outBuffer ob{out.data() + used, want, 0};
    last = ZSTD_decompressStream(d, &ob, &ib);
    out.resize(used + ob.pos);
    if (ZSTD_isError(last)) {
      return absl::InvalidArgumentError(
          absl::StrCat(std::string(what), ": zstd error: ", ZSTD_getErrorName(last)));
    }
    if (out.size() > max_output_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat(std::string(what), ": decompressed size exceeds the limit of ",
                       max_output_bytes, " bytes"));
    }
    if (ib.pos == ib.size && ob.pos < want) {
      // All input consumed and the decoder did not fill the buffer: it is done or starved.
      if (last != 0) {
        return absl::DataLossError(
            absl::StrCat(std::string(what), ": truncated zstd frame"));
      }
      return out;
    }
  }
}

}  // namespace leancache::ltar
