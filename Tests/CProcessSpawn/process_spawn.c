#define _GNU_SOURCE
#include "process_spawn.h"

#include <fcntl.h>
#include <unistd.h>

int magpie_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int magpie_spawn_add_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

int magpie_close_on_exec_pipe(int ends[2]) {
    return pipe2(ends, O_CLOEXEC);
}
