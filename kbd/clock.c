/*
 * clock.c (base): the two clocks kbd reads.  Durations and rates use the
 * monotonic clock (clock_us), which no change of the system time moves;
 * days, dates and what people see use the wall clock (clock_seconds).
 */
#include <stdio.h>
#include <time.h>

#include "kbd.h"

int64_t
clock_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
clock_seconds(void)
{
	return (int64_t)time(NULL);
}

/* Formats unix time t as ISO 8601 in UTC ("2026-11-26T17:22:00Z"). */
void
clock_format(char *out, size_t size, int64_t t)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, size, "1970-01-01T00:00:00Z");
}

/*
 * Formats the day of unix time t (UTC) as people read it in German
 * ("2. Dezember 2026") into out, and as ISO 8601 ("2026-12-02") into iso
 * (11 bytes) for a <time> element, when iso is not NULL.
 */
void
clock_format_day(char *out, size_t size, char *iso, int64_t t)
{
	static const char *const months[12] = {
		"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli",
		"August", "September", "Oktober", "November", "Dezember",
	};
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL) {
		tt = 0;
		gmtime_r(&tt, &tm);
	}
	snprintf(out, size, "%d. %s %d", tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900);
	if (iso != NULL)
		snprintf(iso, 11, "%04u-%02u-%02u",
		    (unsigned int)(tm.tm_year + 1900) % 10000u,
		    (unsigned int)(tm.tm_mon + 1) % 100u,
		    (unsigned int)tm.tm_mday % 100u);
}
