/*
 * bench_sanitize.c - throughput of the draw choke point: sanitise 64 MiB
 * of mixed text (plain ASCII, UTF-8, escapes, invalid bytes) in 64 KiB
 * rows, one 10 MiB line with the screen's 4 KiB cap, and what every
 * short label now costs on its way to the screen (redact + sanitise, the
 * path draw_label shares with draw_text since #12). Prints the figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/redact.h"
#include "lib/sanitize.h"

int main(void)
{
	static const char *parts[] = {
		"kubectl get pods -n atlasmesh-prod ",
		"fleet-manager-7d9f 1/1 Running ",
		"\033[31mERROR\033[0m ",
		"caf\xc3\xa9 \xe2\x82\xac ",
		"\xff\xfe bad ",
		"prod\xe2\x80\xaetxt ",
		"\t",
		"\r\n",
	};
	size_t row = 64 * 1024, total = 64 * 1024 * 1024, done = 0, n = 0, i;
	char *buf = xmalloc(row);
	struct sanitize_out so;
	double t0, t1;
	char *big;

	while (n < row) {
		const char *p = parts[(n * 7) % (sizeof parts / sizeof parts[0])];
		size_t k = strlen(p);

		if (n + k > row)
			break;
		memcpy(buf + n, p, k);
		n += k;
	}
	t0 = util_now();
	for (done = 0; done < total; done += n) {
		sanitize(buf, n, SANITIZE_MULTILINE, 0, &so);
		sanitize_out_free(&so);
	}
	t1 = util_now();
	printf("sanitize mixed text: %.0f MiB/s (%zu MiB in %.2f s)\n",
	       (double)done / (1 << 20) / (t1 - t0), done >> 20, t1 - t0);

	big = xmalloc(10 << 20);
	memset(big, 'x', 10 << 20);
	t0 = util_now();
	for (i = 0; i < 1000; i++) {
		sanitize(big, 10 << 20, 0, 4096, &so);
		sanitize_out_free(&so);
	}
	t1 = util_now();
	printf("sanitize a 10 MiB line with a 4 KiB cap: %.1f us per call\n",
	       (t1 - t0) * 1e6 / 1000);
	free(big);

	/* A key-bar or status label: redact() then sanitize(), as draw_textn
	 * does for every string. */
	t0 = util_now();
	for (i = 0; i < 1000000; i++) {
		char *r = redact(" FLUSHDB: done  removed 1200, scanned 1501/1501 ");

		sanitize(r, strlen(r), 0, 0, &so);
		sanitize_out_free(&so);
		free(r);
	}
	t1 = util_now();
	printf("a 48-byte label through redact + sanitize: %.0f ns per label\n",
	       (t1 - t0) * 1e9 / 1000000);
	free(buf);
	return 0;
}
