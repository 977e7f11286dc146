#include "platform.h"
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <tlhelp32.h>
#else
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#endif

namespace trainer {

#ifdef _WIN32
namespace {
DWORD parent_pid() {
    const DWORD self = GetCurrentProcessId();
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snap == INVALID_HANDLE_VALUE) return 0;
    PROCESSENTRY32 e;
    e.dwSize = sizeof e;
    DWORD parent = 0;
    for (BOOL ok = Process32First(snap, &e); ok; ok = Process32Next(snap, &e)) {
        if (e.th32ProcessID == self) {
            parent = e.th32ParentProcessID;
            break;
        }
    }
    CloseHandle(snap);
    return parent;
}

uint64_t creation_time(HANDLE process) {
    FILETIME created, exited, kernel, user;
    if (!GetProcessTimes(process, &created, &exited, &kernel, &user)) return 0;
    return (uint64_t(created.dwHighDateTime) << 32) | created.dwLowDateTime;
}

std::wstring widen(const std::string & utf8) {
    const int n = MultiByteToWideChar(CP_UTF8, 0, utf8.c_str(), -1, nullptr, 0);
    std::wstring w(n > 0 ? n - 1 : 0, L'\0');
    if (n > 1) MultiByteToWideChar(CP_UTF8, 0, utf8.c_str(), -1, w.data(), n);
    return w;
}
} // namespace

int process_id() { return (int) GetCurrentProcessId(); }

void exit_with_parent() {
    const DWORD ppid = parent_pid();
    if (ppid == 0) return;
    HANDLE parent = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, ppid);
    if (!parent) return; // already gone, or not ours to watch: stdin's EOF still ends a --serve worker
    // Windows reuses process ids: a "parent" created after us is a stranger that got the id of one that ended
    if (creation_time(parent) > creation_time(GetCurrentProcess())) std::_Exit(137);
    std::thread([parent] {
        WaitForSingleObject(parent, INFINITE);
        std::_Exit(137);
    }).detach();
}

void on_stop_request(void (*on_stop)(int)) {
    std::signal(SIGINT, on_stop);
    std::signal(SIGBREAK, on_stop);
    std::signal(SIGTERM, on_stop); // raised only by the process itself on Windows; kept for symmetry
}

void binary_stdout() { _setmode(_fileno(stdout), _O_BINARY); }

bool replace_file(const std::string & from, const std::string & to) {
    return MoveFileExW(widen(from).c_str(), widen(to).c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) != 0;
}

#else

int process_id() { return (int) getpid(); }

void exit_with_parent() {
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#else
    const pid_t parent = getppid();
    std::thread([parent] {
        while (getppid() == parent) std::this_thread::sleep_for(std::chrono::milliseconds(500));
        std::_Exit(137);
    }).detach();
#endif
}

void on_stop_request(void (*on_stop)(int)) {
    std::signal(SIGTERM, on_stop);
    std::signal(SIGINT, on_stop);
}

void binary_stdout() {}

bool replace_file(const std::string & from, const std::string & to) { return std::rename(from.c_str(), to.c_str()) == 0; }

#endif
} // namespace trainer
