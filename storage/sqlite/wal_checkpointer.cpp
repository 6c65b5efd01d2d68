#include "storage/sqlite/wal_checkpointer.hpp"

#include <sqlite3.h>

#include <spdlog/spdlog.h>

#include "bot/store.hpp"

namespace warroom {

WalCheckpointer::WalCheckpointer(sqlite3* writer, const std::string& path) : writer_(writer) {
    if (sqlite3_open_v2(path.c_str(), &checkpointer_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        const std::string why = checkpointer_ ? sqlite3_errmsg(checkpointer_) : "out of memory";
        sqlite3_close_v2(checkpointer_);
        throw StorageError("sqlite: open " + path + " for checkpoints: " + why);
    }
    sqlite3_busy_timeout(checkpointer_, 5000);
    // A connection learns that the file is in WAL mode when it first reads it;
    // until then a checkpoint on it does nothing (and says so only by -1 counts).
    if (sqlite3_exec(checkpointer_, "PRAGMA schema_version", nullptr, nullptr, nullptr) != SQLITE_OK) {
        const std::string why = sqlite3_errmsg(checkpointer_);
        sqlite3_close_v2(checkpointer_);
        throw StorageError("sqlite: read " + path + " for checkpoints: " + why);
    }
    // Replaces the writer's automatic checkpoints (sqlite3_wal_autocheckpoint installs the same hook).
    sqlite3_wal_hook(writer_, &WalCheckpointer::on_commit, this);
    thread_ = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
    sqlite3_wal_hook(writer_, nullptr, nullptr);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
    sqlite3_close_v2(checkpointer_);
}

int WalCheckpointer::on_commit(void* self, sqlite3*, const char*, int pages) {
    auto& checkpointer = *static_cast<WalCheckpointer*>(self);
    // A log shorter than at the last request has started again from its beginning.
    if (pages < checkpointer.pages_at_request_) checkpointer.pages_at_request_ = 0;
    // Once per kPagesBeforeCheckpoint new pages: asking after every commit would
    // run a checkpoint (and its fsync) after every commit while the log is long.
    if (pages < checkpointer.pages_at_request_ + kPagesBeforeCheckpoint) return SQLITE_OK;
    checkpointer.pages_at_request_ = pages;
    if (pages >= kPagesWriterRestarts) {
        checkpointer.restart_log();
        return SQLITE_OK;
    }
    {
        std::lock_guard lock(checkpointer.mutex_);
        checkpointer.asked_ = true;
    }
    checkpointer.changed_.notify_all();
    return SQLITE_OK;
}

// The log starts again from its beginning only for a write transaction that
// begins once all of it is copied, and no checkpoint is reading it: a writer
// that never pauses would let it grow without end. Past kPagesWriterRestarts
// the writer copies what the thread has not (little, as a rule) and restarts
// the log itself, with the thread kept idle meanwhile.
void WalCheckpointer::restart_log() {
    {
        std::unique_lock lock(mutex_);
        writer_restarting_ = true;
        changed_.wait(lock, [this] { return !checkpointing_; });
    }
    int in_log = 0, copied = 0;
    if (sqlite3_wal_checkpoint_v2(writer_, nullptr, SQLITE_CHECKPOINT_RESTART, &in_log, &copied) == SQLITE_OK)
        pages_at_request_ = 0;
    else
        spdlog::warn("sqlite: the log has {} pages and could not start again: {} (a long read elsewhere?); the next "
                     "{} pages try again",
                     in_log, sqlite3_errmsg(writer_), kPagesBeforeCheckpoint);
    {
        std::lock_guard lock(mutex_);
        writer_restarting_ = false;
    }
    changed_.notify_all();
}

void WalCheckpointer::run() {
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return (asked_ && !writer_restarting_) || stopping_; });
            if (stopping_) return;
            asked_ = false;
            checkpointing_ = true;
        }
        // The writer goes on appending while a checkpoint copies; the pages it
        // added meanwhile are few and quick to copy.
        for (int attempt = 0; attempt < kCatchUpAttempts; ++attempt) {
            int in_log = 0, copied = 0;
            const int rc = sqlite3_wal_checkpoint_v2(checkpointer_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &in_log, &copied);
            if (rc == SQLITE_BUSY) break;   // another process is checkpointing it
            if (rc != SQLITE_OK) {
                spdlog::warn("sqlite: a checkpoint of the log failed: {}; the next {} pages ask again",
                             sqlite3_errmsg(checkpointer_), kPagesBeforeCheckpoint);
                break;
            }
            if (copied >= in_log) break;
        }
        {
            std::lock_guard lock(mutex_);
            checkpointing_ = false;
        }
        changed_.notify_all();
    }
}

}  // namespace warroom
