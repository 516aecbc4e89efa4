/*
 * macOS LP64 layouts of abi-macos/layouts.tsv, checked by the compiler for both macOS targets:
 *   clang --target=arm64-apple-macos11  -fsyntax-only -ffreestanding netty-aio-native/src/test/abi/macos-abi.c
 *   clang --target=x86_64-apple-macos11 -fsyntax-only -ffreestanding netty-aio-native/src/test/abi/macos-abi.c
 * The structures are transcribed from XNU's bsd/sys/aio.h, bsd/sys/signal.h, bsd/sys/_types/_iovec_t.h and
 * _timespec.h with Darwin's LP64 typedefs (no SDK is needed). Generated with the tables; keep them in step.
 */
#include <stddef.h>
typedef long long __darwin_off_t;
typedef unsigned long __darwin_size_t;
typedef long __darwin_time_t;
typedef struct _opaque_pthread_attr_t { long __sig; char __opaque[56]; } pthread_attr_t;
union sigval { int sival_int; void *sival_ptr; };
struct sigevent {
    int sigev_notify;
    int sigev_signo;
    union sigval sigev_value;
    void (*sigev_notify_function)(union sigval);
    pthread_attr_t *sigev_notify_attributes;
};
struct aiocb {
    int aio_fildes;
    __darwin_off_t aio_offset;
    volatile void *aio_buf;
    __darwin_size_t aio_nbytes;
    int aio_reqprio;
    struct sigevent aio_sigevent;
    int aio_lio_opcode;
};
struct iovec { void *iov_base; __darwin_size_t iov_len; };
struct timespec { __darwin_time_t tv_sec; long tv_nsec; };
#define FIELD(s, f, o, n) _Static_assert(offsetof(struct s, f) == (o) && sizeof(((struct s *) 0)->f) == (n), #s "." #f);
#define TOTAL(s, n) _Static_assert(sizeof(struct s) == (n), #s " size");
#define ALIGN(s, n) _Static_assert(_Alignof(struct s) == (n), #s " align");

FIELD(aiocb, aio_fildes, 0, 4)
FIELD(aiocb, aio_offset, 8, 8)
FIELD(aiocb, aio_buf, 16, 8)
FIELD(aiocb, aio_nbytes, 24, 8)
FIELD(aiocb, aio_reqprio, 32, 4)
FIELD(aiocb, aio_sigevent, 40, 32)
FIELD(aiocb, aio_lio_opcode, 72, 4)
TOTAL(aiocb, 80)
ALIGN(aiocb, 8)
FIELD(sigevent, sigev_notify, 0, 4)
FIELD(sigevent, sigev_signo, 4, 4)
FIELD(sigevent, sigev_value, 8, 8)
FIELD(sigevent, sigev_notify_function, 16, 8)
FIELD(sigevent, sigev_notify_attributes, 24, 8)
TOTAL(sigevent, 32)
ALIGN(sigevent, 8)
FIELD(iovec, iov_base, 0, 8)
FIELD(iovec, iov_len, 8, 8)
TOTAL(iovec, 16)
ALIGN(iovec, 8)
FIELD(timespec, tv_sec, 0, 8)
FIELD(timespec, tv_nsec, 8, 8)
TOTAL(timespec, 16)
ALIGN(timespec, 8)
