/*
 * cmd_backup.c (cmd): "kbd backup FILE": a consistent, checked,
 * self-contained copy of the database (store_backup()), also while a
 * server writes to it.  Refuses to copy the database onto itself.
 */
#include <sys/stat.h>

#include <stdio.h>

#include "kbd.h"

int
cmd_backup(const struct config *cfg)
{
	struct stat	 db, dest;
	const char	*errstr;

	if (stat(cfg->db, &db) == 0 && stat(cfg->args[0], &dest) == 0 &&
	    db.st_dev == dest.st_dev && db.st_ino == dest.st_ino) {
		fprintf(stderr, "kbd: %s is the database itself\n",
		    cfg->args[0]);
		return 2;
	}
	if (store_backup(cfg->db, cfg->args[0], &errstr) == -1) {
		fprintf(stderr, "kbd: backup: %s\n", errstr);
		return 1;
	}
	if (stat(cfg->args[0], &dest) == 0)
		fprintf(stderr, "kbd: %s copied to %s (%lld bytes)\n", cfg->db,
		    cfg->args[0], (long long)dest.st_size);
	return 0;
}
