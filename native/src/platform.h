#pragma once
// What differs between Windows and POSIX, in one place, so the rest of the trainer is plain C++17.
#include <string>

namespace trainer {
constexpr double kPi = 3.14159265358979323846; // M_PI is not standard (MSVC hides it)

int process_id();

// Never outlive the app that started us. Linux: PDEATHSIG. macOS/other POSIX: a thread that notices we were
// re-parented. Windows: a thread that waits on the parent process's handle.
void exit_with_parent();

// Calls on_stop(signal) for the requests to stop the trainer has: SIGTERM/SIGINT on POSIX; on Windows SIGINT
// and SIGBREAK (Ctrl-C / Ctrl-Break in a console; a process killed by the app (TerminateProcess) ends at once).
void on_stop_request(void (*on_stop)(int));

// Windows: stdout in binary mode, so event lines end in "\n" as on POSIX. Elsewhere nothing.
void binary_stdout();

// Moves `from` over `to`, replacing an existing `to` (std::rename refuses that on Windows). False on failure.
bool replace_file(const std::string & from, const std::string & to);
} // namespace trainer
