// Routes spdlog's default logger into memory for one test, to check that a warning was logged.
#pragma once

#include <memory>
#include <string>

#include "spdlog/sinks/ringbuffer_sink.h"
#include "spdlog/spdlog.h"

namespace leancache::testing {

class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256)) {
    previous_ = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }

  // All captured lines at `level` or above, joined by newlines.
  std::string Text(spdlog::level::level_enum level = spdlog::level::warn) const {
    std::string out;
    for (const auto& msg : sink_->last_raw()) {
      if (msg.level >= level) {
        out.append(msg.payload.data(), msg.payload.size());
        out.push_back('\n');
      }
    }
    return out;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace leancache::testing
