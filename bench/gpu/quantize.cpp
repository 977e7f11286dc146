// gpu-check-quantize IN.gguf OUT.gguf q8_0|q4_k_m [threads]: quantizes a generated F32 model with llama.cpp's
// llama_model_quantize (the same code as llama-quantize), for the GPU check's Q8_0 and Q4_K_M bases.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include "llama.h"

int main(int argc, char ** argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s IN.gguf OUT.gguf q8_0|q4_k_m [threads]\n", argv[0]);
        return 1;
    }
    llama_model_quantize_params p = llama_model_quantize_default_params();
    if (std::strcmp(argv[3], "q8_0") == 0) p.ftype = LLAMA_FTYPE_MOSTLY_Q8_0;
    else if (std::strcmp(argv[3], "q4_k_m") == 0) p.ftype = LLAMA_FTYPE_MOSTLY_Q4_K_M;
    else {
        fprintf(stderr, "unknown type %s (q8_0 or q4_k_m)\n", argv[3]);
        return 1;
    }
    p.nthread = argc > 4 ? std::atoi(argv[4]) : 0;
    llama_backend_init();
    const uint32_t rc = llama_model_quantize(argv[1], argv[2], &p);
    llama_backend_free();
    if (rc != 0) fprintf(stderr, "quantizing %s failed\n", argv[1]);
    return rc == 0 ? 0 : 1;
}
