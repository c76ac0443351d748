/*
 * hash.c (base): FNV-1a over bytes, for the open-addressing tables of
 * words and terms.  Never 0, which those tables use for an empty place.
 * Not for anything an attacker may choose to collide where that costs
 * more than a longer probe: keyed hashes are libsodium's.
 */
#include "kbd.h"

uint64_t
hash_fnv(const char *s, size_t n)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h != 0 ? h : 1;
}
