// Host/device qualifier for the per-sample and per-isophote kernels: the same source compiles for
// the CPU and, under nvcc, for the GPU.
#pragma once

#if defined(__CUDACC__)
#define ISOSTER_HD __host__ __device__ inline
#else
#define ISOSTER_HD inline
#endif
