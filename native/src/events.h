// JSON-lines events on stdout: the trainer's only channel to the app (stderr carries llama.cpp's log).
#pragma once
#include <string>
#include "nlohmann/json.hpp"

namespace trainer {
using json = nlohmann::json;

void emit(const json & event);
[[noreturn]] void fail(const std::string & kind, const std::string & message, int exit_code = 2);
} // namespace trainer
