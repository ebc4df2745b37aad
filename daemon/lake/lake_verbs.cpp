#include "daemon/lake/lake_verbs.h"

#include "absl/strings/str_cat.h"
#include "daemon/lake/lake_get.h"
#include "daemon/lake/lake_maintenance.h"
#include "daemon/lake/lake_put.h"
#include "daemon/lake/lake_stage.h"
#include "daemon/lake/setup_verb.h"

namespace leancache::lake {
namespace {

// Each verb with the parts it takes.
void Get(const VerbParts& p, const v1::CommandRequest& r, core::EventSink& s) { RunGet(p.local, p.network, r, s); }
void Put(const VerbParts& p, const v1::CommandRequest& r, core::EventSink& s) { RunPut(p.network, r, s); }
void PutStaged(const VerbParts& p, const v1::CommandRequest& r, core::EventSink& s) { RunPutStaged(p.network, r, s); }
void Stage(const VerbParts&, const v1::CommandRequest& r, core::EventSink& s) { RunStage(r, s); }
void Unstage(const VerbParts& p, const v1::CommandRequest& r, core::EventSink& s) { RunUnstage(p.local, r, s); }
void Add(const VerbParts&, const v1::CommandRequest& r, core::EventSink& s) { RunAdd(r, s); }
void Clean(const VerbParts& p, const v1::CommandRequest& r, core::EventSink& s) { RunClean(p.local, r, s); }
void Services(const VerbParts&, const v1::CommandRequest& r, core::EventSink& s) { RunServices(r, s); }
void Gc(const VerbParts& p, const v1::CommandRequest& r, core::EventSink& s) { RunGc(p.local, p.network, r, s); }
void Setup(const VerbParts& p, const v1::CommandRequest& r, core::EventSink& s) { RunSetup(p.identity, r, s); }

constexpr Verb kVerbs[] = {
    {"get", "get [MAPPINGS] [--service=S] [--scope=S | --repo=OWNER/REPO] [--rev=R] [--max-revs=N] "
            "[--platform=P] [--toolchain=T] [--package=P] [--mappings-only] [--force-download]",
     "download the mappings of the newest revision that has some, then their artifacts", &Get},
    {"put", "put MAPPINGS (--scope=S | --repo=R [--platform] [--toolchain]) [--service=S] [--package=P]",
     "upload the artifacts of MAPPINGS, then MAPPINGS as the mapping of the current revision", &Put},
    {"put-staged", "put-staged DIR --rev=R (--scope=S | --repo=R [--platform] [--toolchain]) [--service=S]",
     "upload a staging directory (no workspace is loaded)", &PutStaged},
    {"stage", "stage MAPPINGS DIR [--force-overwrite]",
     "copy MAPPINGS (as DIR/outputs.jsonl) and its artifacts into a flat staging directory", &Stage},
    {"unstage", "unstage DIR [--force-overwrite]",
     "import a staging directory's mappings and artifacts into the cache", &Unstage},
    {"add", "add MAPPINGS [--service=S] [--scope=S | --repo=R] [--package=P] [--no-overwrite]",
     "import mappings into the cache (artifacts are fetched later)", &Add},
    {"clean", "clean", "delete Lake's cache directory", &Clean},
    {"services", "services", "list the configured cache services", &Services},
    {"gc", "gc [--max-size=SIZE]",
     "evict least recently used Lake artifacts down to the cache size cap (linked ones last)", &Gc},
    {"setup", "setup [--write] [--default] [--name=NAME] [--port=PORT]",
     "print (--write: add to ~/.lake/config.toml) the cache service leancached serves on 127.0.0.1; "
     "registers LAKE_CACHE_KEY as its write key", &Setup},
};

void PrintHelp(core::EventSink& sink) {
  sink.Out("Usage: leancache lake VERB [ARGS]   (Lake's `lake cache VERB`, served by leancached)");
  sink.Out("");
  for (const auto& v : kVerbs) {
    sink.Out(absl::StrCat("  ", std::string(v.usage)));
    sink.Out(absl::StrCat("      ", std::string(v.summary)));
  }
}

}  // namespace

absl::Span<const Verb> LakeVerbs() { return kVerbs; }

void Fail(core::EventSink& sink, absl::string_view message) {
  sink.Err(absl::StrCat("error: ", message));
  sink.Done(1);
}

void RunLake(const VerbParts& parts, const v1::CommandRequest& request, core::EventSink& sink) {
  const auto& args = request.invocation().args();
  if (args.empty() || args[0] == "help" || args[0] == "--help") {
    PrintHelp(sink);
    return sink.Done(0);
  }
  for (const auto& v : LakeVerbs()) {
    if (v.name == args[0]) return v.run(parts, request, sink);
  }
  Fail(sink, absl::StrCat("unknown command '", args[0], "'"));
}

}  // namespace leancache::lake
