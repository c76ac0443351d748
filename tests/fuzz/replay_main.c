/*
 * replay_main.c: a main() for a fuzz target without libFuzzer, so that
 * make test can run the corpus and every crash once found on the gcc and
 * on the sanitized build.  It calls LLVMFuzzerInitialize() when the
 * target has one, then LLVMFuzzerTestOneInput() on each file given and
 * on each file of each folder given (in name order, hidden files and
 * README left out).  Every input gets a buffer of its exact size, so
 * that AddressSanitizer sees a read past its end.  Exits 0 when every
 * input ran, 1 when a file could not be read; a failed check aborts.
 *
 *   fuzzrep_<t> [-v] DIR_OR_FILE...   (-v names each input first)
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 verbose;

/* Runs the target on the file path.  Returns 0, or -1 if unreadable. */
static int
replay_file(const char *path)
{
	FILE		*f;
	uint8_t		*data;
	long		 size;

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) == -1 ||
	    (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) == -1) {
		perror(path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	/* Exactly size bytes (one when empty), so overreads are caught. */
	if ((data = malloc(size > 0 ? (size_t)size : 1)) == NULL) {
		perror("malloc");
		exit(1);
	}
	if (fread(data, 1, (size_t)size, f) != (size_t)size) {
		perror(path);
		free(data);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (verbose)
		fprintf(stderr, "replay: %s (%ld bytes)\n", path, size);
	LLVMFuzzerTestOneInput(data, (size_t)size);
	free(data);
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs the files of dir in name order.  Returns the files run, or -1. */
static int
replay_dir(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		**names = NULL, path[4096];
	size_t		 n = 0, cap = 0, i;
	int		 count = 0;

	if ((d = opendir(dir)) == NULL) {
		perror(dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((names = realloc(names, cap * sizeof(*names))) ==
			    NULL) {
				perror("realloc");
				exit(1);
			}
		}
		if ((names[n++] = strdup(de->d_name)) == NULL) {
			perror("strdup");
			exit(1);
		}
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (replay_file(path) == -1)
				count = -1;
			else if (count >= 0)
				count++;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

int
main(int argc, char **argv)
{
	struct stat	 sb;
	int		 i, n, total = 0, rc = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0)
			verbose = 1;
		else if (stat(argv[i], &sb) == -1) {
			perror(argv[i]);
			rc = 1;
		} else if (S_ISDIR(sb.st_mode)) {
			if ((n = replay_dir(argv[i])) == -1)
				rc = 1;
			else
				total += n;
		} else if (replay_file(argv[i]) == -1)
			rc = 1;
		else
			total++;
	}
	printf("%s: %d inputs replayed\n", argv[0], total);
	return rc;
}
