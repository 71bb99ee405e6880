/*
 * Minimal pod sandbox process for kind-action's test images.
 * Behaves like Kubernetes' pause: holds the pod's namespaces open, reaps
 * orphaned children (it is PID 1 of a shared PID namespace), and exits 0
 * on SIGINT/SIGTERM. -v prints the version. Build: gcc -static -DVERSION=...
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef VERSION
#define VERSION "unknown"
#endif

static void on_stop(int sig) {
  printf("Shutting down, got signal: %s\n", strsignal(sig));
  exit(0);
}

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  /* Collect every child that has exited; never block. */
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int install(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  return sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    printf("pause.c %s\n", VERSION);
    return 0;
  }
  if (getpid() != 1) {
    fprintf(stderr, "Warning: pause should be the first process\n");
  }
  /* Distinct exit codes tell which handler could not be installed. */
  if (install(SIGINT, on_stop, 0) < 0) return 1;
  if (install(SIGTERM, on_stop, 0) < 0) return 2;
  if (install(SIGCHLD, on_child, SA_NOCLDSTOP) < 0) return 3;
  for (;;) {
    pause();
  }
  fprintf(stderr, "Error: infinite loop terminated\n");
  return 42;
}
