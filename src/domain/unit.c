/* unit: placeholder until built. */
