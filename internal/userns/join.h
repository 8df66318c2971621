#include <stddef.h>

extern int wren_joined;
extern unsigned int wren_host_uid;
extern unsigned int wren_host_gid;

int wren_pause_file(char *buf, size_t len);
int wren_pause_valid(long *pid_out, int *userfd, int *mntfd);
