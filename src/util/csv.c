/* csv: placeholder until built. */
