/* person: placeholder until built. */
