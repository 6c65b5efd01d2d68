#pragma once
// Everything logged while a CapturedLog lives, for assertions such as "no
// token appears in any log line". Thread-safe: the bot logs from its own thread.
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <string>

namespace warroom::test {

class CapturedLog {
public:
    CapturedLog() : previous_(spdlog::default_logger()), sink_(std::make_shared<StringSink>()) {
        auto logger = std::make_shared<spdlog::logger>("captured", sink_);
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger);
    }
    ~CapturedLog() { spdlog::set_default_logger(previous_); }
    CapturedLog(const CapturedLog&) = delete;
    CapturedLog& operator=(const CapturedLog&) = delete;

    std::string text() const { return sink_->text(); }

private:
    class StringSink final : public spdlog::sinks::base_sink<std::mutex> {
    public:
        std::string text() {
            std::lock_guard lock(mutex_);
            return text_;
        }

    protected:
        void sink_it_(const spdlog::details::log_msg& message) override {
            spdlog::memory_buf_t formatted;
            formatter_->format(message, formatted);
            text_.append(formatted.data(), formatted.size());
        }
        void flush_() override {}

    private:
        std::string text_;
    };

    std::shared_ptr<spdlog::logger> previous_;
    std::shared_ptr<StringSink> sink_;
};

}  // namespace warroom::test
