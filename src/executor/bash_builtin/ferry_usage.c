/* ferry_usage: a bash loadable builtin that makes a task's own shell report
 * what the task used, at no cost of a process per task.
 *
 * Why a builtin: a local task runs in a subshell forked from a long-lived
 * bash (executor/shell_zygote.h), so ferry is not the parent that reaps it
 * and wait4() cannot tell ferry the task's peak RSS; the kernel exposes a
 * process tree's peak RSS only through getrusage(RUSAGE_CHILDREN) of the
 * process that reaped it. Exec'ing a measuring program at the end of each
 * task would cost about as much CPU as the fork that started it (measured:
 * +0.5 ms per task), so the zygote loads this into itself once instead and
 * each task's subshell calls `ferry_usage FD` first. That arms an atexit
 * handler in the subshell only (and keeps a private, close-on-exec copy of
 * FD, which the subshell then closes for the task). When the subshell exits
 * (after its EXIT trap) the handler sends one record down FD, in one
 * write(2) (under PIPE_BUF, so records never interleave): its pid, CPU time
 * and peak RSS of the subshell and every descendant it reaped, and
 * /proc/self/io, which the kernel also sums over reaped children, then a
 * blank line. A pipe, not a file in the work dir: creating a file per task
 * cost more than everything else here together (measured: +0.45 ms). A task
 * killed by a signal sends nothing; ferry then reports its usage as unknown.
 *
 * Built as a plain shared object (no sanitizers: it runs inside bash) and
 * embedded into ferry, which hands it to each zygote as a memfd. The struct
 * layouts below are bash's ABI for loadable builtins (builtins.h, command.h),
 * stable since bash 2; they are spelled here because Debian ships bash's
 * headers only in bash-builtins, which ferry's users need not install. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct word_desc {
  char *word;
  int flags;
} WORD_DESC;
typedef struct word_list {
  struct word_list *next;
  WORD_DESC *word;
} WORD_LIST;
struct builtin {
  const char *name;
  int (*function)(WORD_LIST *);
  int flags;
  char *const *long_doc;
  const char *short_doc;
  char *handle;
};
#define FERRY_BUILTIN_ENABLED 0x01

static int g_report_fd = -1;
static pid_t g_armed_pid;

static long long Millis(struct timeval tv) { return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000; }

static void SendReport(void) {
  if (g_armed_pid != getpid()) return; /* the zygote itself, or a child that forked from the subshell */
  int saved = errno;
  struct rusage self, kids;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &kids);
  long max_kb = self.ru_maxrss > kids.ru_maxrss ? self.ru_maxrss : kids.ru_maxrss;
  char buf[1024];
  int n = snprintf(buf, sizeof buf, "pid: %ld\ncpu_user_ms: %lld\ncpu_sys_ms: %lld\npeak_rss: %lld\n", (long)getpid(),
                   Millis(self.ru_utime) + Millis(kids.ru_utime), Millis(self.ru_stime) + Millis(kids.ru_stime),
                   (long long)max_kb * 1024);
  int io = open("/proc/self/io", O_RDONLY | O_CLOEXEC);
  if (io >= 0) {
    ssize_t got = read(io, buf + n, sizeof buf - (size_t)n - 2);
    if (got > 0) n += (int)got;
    close(io);
  }
  if (n > 0 && buf[n - 1] != '\n') buf[n++] = '\n';
  buf[n++] = '\n';
  ssize_t ignored = write(g_report_fd, buf, (size_t)n);
  (void)ignored;
  errno = saved;
}

static int FerryUsage(WORD_LIST *args) {
  if (args == NULL || args->word == NULL || args->word->word == NULL) return 2;
  char *end = NULL;
  long fd = strtol(args->word->word, &end, 10);
  if (*end != 0 || fd < 0 || fd > 1000) return 2;
  int copy = fcntl((int)fd, F_DUPFD_CLOEXEC, 100);
  if (copy < 0) return 1;
  if (g_armed_pid == 0 && atexit(SendReport) != 0) {
    close(copy);
    return 1;
  }
  g_report_fd = copy;
  g_armed_pid = getpid();
  return 0;
}

static char *const kLongDoc[] = {"Send ferry this shell's usage report down FD when it exits.", NULL};

struct builtin ferry_usage_struct = {"ferry_usage", FerryUsage, FERRY_BUILTIN_ENABLED, kLongDoc, "ferry_usage FD", NULL};
