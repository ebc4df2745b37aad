#pragma once
// Turns the daemon's event stream into what the user sees: output lines on stdout/stderr, a
// live progress bar on a terminal (plain progress lines otherwise), typed results as text or
// JSON, and finally the exit code.

#include <chrono>
#include <string>

#include "leancache/v1/cache.pb.h"

namespace leancache::render {

class EventRenderer {
 public:
  // `json`: print a JSON document instead of text results; `tty`: stderr is a terminal.
  EventRenderer(bool json, bool tty) : json_(json), tty_(tty) {}

  // Handles one event. Returns false once the Done event has been seen.
  bool Handle(const v1::Event& event);
  // Called after the stream ends; prints the JSON document (in JSON mode) and returns the
  // exit code (1 with a message if the stream ended without Done).
  int Finish(bool stream_ok, const std::string& stream_error);

 private:
  void RenderProgress(const v1::Progress& progress);
  void ClearProgressLine();

  bool json_;
  bool tty_;
  bool done_ = false;
  int exit_code_ = 1;
  std::string json_document_;
  bool progress_line_open_ = false;
  std::chrono::steady_clock::time_point last_plain_progress_{};
};

}  // namespace leancache::render
