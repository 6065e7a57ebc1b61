// DecideJsonLines: a reader (the calling thread) cuts the input into chunks
// of lines, worker threads decide whole chunks, and the writer hands the
// chunks' output back in input order. Chunks are bounded in lines and in
// bytes, lines in bytes (a longer line is skipped over through a fixed
// buffer, never kept), and at most 2 chunks per worker are in flight, so
// memory stays flat whatever the input's length or shape.
#include "aftersales/batch.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "aftersales/decide_text.h"
#include "decision/case_runner.h"
#include "decision/line_reader.h"
#include "decision/policy_impl.h"
#include "decision/policy_internal.h"

namespace aftersales {
namespace {

// What one input line is, as the reader found it.
enum class LineKind : unsigned char { kCase, kBlank, kTooLong };

struct Chunk {
  std::int64_t seq = 0;
  // The lines' text back to back, and where each ends: one buffer per chunk
  // rather than an allocation per line. A line too long to keep holds its
  // length in decimal instead.
  std::string text;
  std::vector<std::size_t> ends;
  std::vector<std::int64_t> numbers;  // input line number of each line
  std::vector<LineKind> kinds;
  std::string out;
  std::int64_t decided = 0, failed = 0, bytes = 0;
};

std::string ErrorObject(std::int64_t line, const std::string& case_id, const std::string& message) {
  nlohmann::ordered_json j;
  j["line"] = line;
  if (!case_id.empty()) j["case_id"] = case_id;
  j["error"] = message;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void DecideChunk(const Policy& policy, const BatchOptions& options, Chunk* c) {
  DecideTextOptions run_options;
  run_options.explain = options.explain;
  run_options.output = options.text ? DecideTextOptions::Output::kText : DecideTextOptions::Output::kJsonLine;
  const std::string prefix = options.source_name.empty() ? "line " : options.source_name + ":";
  const Limits& limits = internal::PolicyInternal::Impl(policy).model().limits;
  c->out.reserve(c->numbers.size() * 1536);
  for (std::size_t i = 0; i < c->numbers.size(); ++i) {
    const std::int64_t n = c->numbers[i];
    const std::size_t begin = i == 0 ? 0 : c->ends[i - 1];
    const std::string_view line(c->text.data() + begin, c->ends[i] - begin);
    if (c->kinds[i] == LineKind::kBlank) {
      c->out += ErrorObject(n, "", prefix + std::to_string(n) + ": the line is blank (expected one case, a JSON object)");
      ++c->failed;
      continue;
    }
    if (c->kinds[i] == LineKind::kTooLong) {
      c->out += ErrorObject(n, "", prefix + std::to_string(n) + ": the line is " + std::string(line) +
                                       " bytes; the limit is " + std::to_string(limits.max_case_bytes) +
                                       " (max_case_bytes)");
      ++c->failed;
      continue;
    }
    const std::size_t at = c->out.size();
    const CaseText run = internal::RunCase(policy, line, run_options, &c->out);
    switch (run.outcome) {
      case CaseText::Outcome::kDecided:
        c->out += options.text ? "\n\n" : "\n";
        ++c->decided;
        continue;
      case CaseText::Outcome::kNotDecided:
        ++c->failed;
        if (!options.text && at < c->out.size()) {
          // The decision's JSON with its errors: the line number goes in front.
          c->out.insert(at + 1, "\"line\":" + std::to_string(n) + ",");
          c->out += '\n';
        } else {
          // Each error as every tool prints it, with its place in the policy.
          std::string msg;
          for (const std::string& e : run.errors) msg += (msg.empty() ? "" : "; ") + e;
          c->out += ErrorObject(n, run.case_id, prefix + std::to_string(n) + ": " + msg);
        }
        continue;
      case CaseText::Outcome::kNotRead:
        // The source name goes on here, not on every line read.
        ++c->failed;
        c->out += ErrorObject(n, internal::PolicyInternal::Impl(policy).CaseIdOfJson(line),
                              prefix + std::to_string(n) + ": " + run.errors.front());
        continue;
    }
  }
  c->text.clear();
  c->text.shrink_to_fit();
}

class Pipeline {
 public:
  Pipeline(const Policy& policy, const BatchOptions& options, const std::function<bool(std::string_view)>& write)
      : policy_(policy), options_(options), write_(write) {
    int n = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
    workers_ = std::max(1, std::min(n, 64));
    max_in_flight_ = static_cast<std::size_t>(workers_) * 2 + 1;
  }

  BatchStats Run(std::istream& in) {
    std::vector<std::thread> threads;
    for (int i = 0; i < workers_; ++i) threads.emplace_back([this] { Work(); });
    ReadAll(in);
    {
      std::lock_guard<std::mutex> lock(mu_);
      input_done_ = true;
    }
    todo_cv_.notify_all();
    for (std::thread& t : threads) t.join();
    return stats_;
  }

 private:
  // The calling thread reads, and writes whatever finished chunks are next
  // in order while it waits for room.
  void ReadAll(std::istream& in) {
    std::string line;
    std::int64_t line_no = 0, seq = 0;
    auto chunk = std::make_unique<Chunk>();
    const std::size_t per_chunk = std::max<std::size_t>(1, options_.lines_per_chunk);
    const std::size_t chunk_bytes = std::max<std::size_t>(1, options_.bytes_per_chunk);
    const std::size_t max_line = internal::PolicyInternal::Impl(policy_).model().limits.max_case_bytes;
    auto reader = std::make_unique<internal::LineReader>(in, max_line);
    bool too_long = false;
    std::uint64_t length = 0;
    while (!Stopped()) {
      if (!reader->Next(&line, &too_long, &length)) break;
      ++line_no;
      if (line_no == 1 && !too_long && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a byte-order mark
      chunk->bytes += static_cast<std::int64_t>(length) + 1;
      LineKind kind = LineKind::kCase;
      if (too_long) {
        kind = LineKind::kTooLong;
        line = std::to_string(length);
      } else if (line.find_first_not_of(" \t\r") == std::string::npos) {
        kind = LineKind::kBlank;
        line.clear();
      }
      chunk->numbers.push_back(line_no);
      chunk->kinds.push_back(kind);
      chunk->text += line;
      chunk->ends.push_back(chunk->text.size());
      if (chunk->numbers.size() >= per_chunk || chunk->text.size() >= chunk_bytes) {
        chunk->seq = seq++;
        // The next chunk is most likely as large: room for it at once, not
        // by doubling as it fills.
        const std::size_t lines = chunk->numbers.size(), bytes = chunk->text.size();
        Submit(std::move(chunk));
        chunk = std::make_unique<Chunk>();
        chunk->text.reserve(std::min(bytes + bytes / 8, chunk_bytes + max_line + 1));
        chunk->numbers.reserve(lines);
        chunk->kinds.reserve(lines);
        chunk->ends.reserve(lines);
      }
    }
    if (reader->bad() || in.bad()) stats_.read_error = true;
    if (!chunk->numbers.empty()) {
      chunk->seq = seq++;
      Submit(std::move(chunk));
    }
    total_chunks_ = seq;
    // Write the rest, in order.
    std::unique_lock<std::mutex> lock(mu_);
    while (next_to_write_ < total_chunks_ && !stopped_) {
      done_cv_.wait(lock, [&] { return done_.count(next_to_write_) > 0; });
      WriteReady(lock);
    }
  }

  bool Stopped() {
    std::lock_guard<std::mutex> lock(mu_);
    return stopped_;
  }

  void Submit(std::unique_ptr<Chunk> c) {
    std::unique_lock<std::mutex> lock(mu_);
    // Bound the memory: wait (writing what is ready) until there is room.
    while (in_flight_ >= max_in_flight_ && !stopped_) {
      done_cv_.wait(lock, [&] { return done_.count(next_to_write_) > 0; });
      WriteReady(lock);
    }
    if (stopped_) return;
    ++in_flight_;
    todo_.push_back(std::move(c));
    todo_cv_.notify_one();
  }

  // REQUIRES: mu_ held. Writes consecutive finished chunks; unlocks while
  // writing so workers go on.
  void WriteReady(std::unique_lock<std::mutex>& lock) {
    while (!stopped_) {
      auto it = done_.find(next_to_write_);
      if (it == done_.end()) return;
      std::unique_ptr<Chunk> c = std::move(it->second);
      done_.erase(it);
      ++next_to_write_;
      --in_flight_;
      lock.unlock();
      bool ok = write_(c->out);  // every line of a chunk writes something
      lines_done_ += static_cast<std::int64_t>(c->numbers.size());
      bytes_done_ += c->bytes;
      if (ok && options_.progress) options_.progress({lines_done_, bytes_done_});
      lock.lock();
      stats_.lines += static_cast<std::int64_t>(c->numbers.size());
      stats_.decided += c->decided;
      stats_.failed += c->failed;
      if (!ok) {
        stopped_ = true;
        stats_.stopped = true;
        todo_cv_.notify_all();
      }
    }
  }

  void Work() {
    while (true) {
      std::unique_ptr<Chunk> c;
      {
        std::unique_lock<std::mutex> lock(mu_);
        todo_cv_.wait(lock, [&] { return !todo_.empty() || input_done_ || stopped_; });
        if (stopped_ || todo_.empty()) return;
        c = std::move(todo_.front());
        todo_.pop_front();
      }
      try {
        DecideChunk(policy_, options_, c.get());
      } catch (const std::exception& e) {
        // Every line of the chunk still gets its line.
        c->out.clear();
        for (std::int64_t n : c->numbers) c->out += ErrorObject(n, "", std::string("internal error: ") + e.what());
        c->failed = static_cast<std::int64_t>(c->numbers.size());
        c->decided = 0;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        done_.emplace(c->seq, std::move(c));
      }
      done_cv_.notify_all();
    }
  }

  const Policy& policy_;
  const BatchOptions& options_;
  const std::function<bool(std::string_view)>& write_;
  int workers_ = 1;
  std::size_t max_in_flight_ = 3;

  std::mutex mu_;
  std::condition_variable todo_cv_, done_cv_;
  std::deque<std::unique_ptr<Chunk>> todo_;
  std::map<std::int64_t, std::unique_ptr<Chunk>> done_;
  std::size_t in_flight_ = 0;
  std::int64_t next_to_write_ = 0;
  std::int64_t total_chunks_ = 0;
  bool input_done_ = false;
  bool stopped_ = false;
  std::int64_t lines_done_ = 0, bytes_done_ = 0;
  BatchStats stats_;
};

}  // namespace

BatchStats DecideJsonLines(const Policy& policy, std::istream& in,
                           const std::function<bool(std::string_view)>& write, const BatchOptions& options) {
  try {
    return Pipeline(policy, options, write).Run(in);
  } catch (const std::exception&) {
    BatchStats s;
    s.read_error = true;
    return s;
  }
}

}  // namespace aftersales
