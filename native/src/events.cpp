#include "events.h"
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace trainer {
static std::mutex g_out;

void emit(const json & event) {
    std::lock_guard<std::mutex> lock(g_out);
    const std::string line = event.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    fwrite(line.data(), 1, line.size(), stdout);
    fflush(stdout);
}

void fail(const std::string & kind, const std::string & message, int exit_code) {
    emit({{"type", "error"}, {"kind", kind}, {"message", message}});
    std::_Exit(exit_code);
}
} // namespace trainer
