#pragma once
// Moves a WAL database's checkpoints off the connection that commits. SQLite
// checkpoints inside a commit once the log passes 1,000 pages: that commit
// then copies some 4 MB into the database file and waits for it to reach the
// disk, and every command behind it waits too. Here the committing connection
// only signals; a thread of its own, on a connection of its own, runs the
// checkpoint (PASSIVE: it never blocks a writer). Only a writer that keeps
// the log from starting again for tens of megabytes restarts it itself, so
// that the log stays bounded.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace warroom {

class WalCheckpointer {
public:
    // Turns `writer`'s own automatic checkpoints off and watches its commits;
    // `path` is the database's file. Throws StorageError if it cannot open it.
    WalCheckpointer(sqlite3* writer, const std::string& path);
    // Stops the thread; the writer's connection, closed after, checkpoints what is left.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    // Pages in the log past which a checkpoint is asked for (SQLite's own default).
    static constexpr int kPagesBeforeCheckpoint = 1000;
    // Checkpoints run in a row to catch up with a writer that kept appending.
    static constexpr int kCatchUpAttempts = 4;
    // Pages in the log (about 41 MB) past which the writer restarts it itself.
    static constexpr int kPagesWriterRestarts = 10'000;

private:
    static int on_commit(void* self, sqlite3* db, const char* name, int pages);
    void restart_log();
    void run();

    sqlite3* writer_;
    int pages_at_request_ = 0;         // the log's length at the last request (the writer's thread only)
    sqlite3* checkpointer_ = nullptr;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool asked_ = false;               // the writer asks for a checkpoint
    bool checkpointing_ = false;       // the thread is running one
    bool writer_restarting_ = false;   // the writer is restarting the log: the thread waits
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace warroom
