#ifndef MAGPIE_PROCESS_SPAWN_H
#define MAGPIE_PROCESS_SPAWN_H

#include <spawn.h>

/// glibc's GNU extensions for starting processes, which Swift's Glibc module does not import
/// (they need _GNU_SOURCE).

/// The child starts in `path`.
int magpie_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path);

/// The child closes every descriptor from `lowest` on, whatever the parent left inheritable.
int magpie_spawn_add_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// `pipe2(ends, O_CLOEXEC)`: a pipe no other child inherits, made in one step so a spawn on
/// another thread cannot catch it between `pipe` and `fcntl`.
int magpie_close_on_exec_pipe(int ends[2]);

#endif
