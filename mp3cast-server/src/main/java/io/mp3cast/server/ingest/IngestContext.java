package io.mp3cast.server.ingest;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.IngestSettings;
import io.mp3cast.server.MountConfig;
import io.mp3cast.time.PacingClock;

/**
 * What ingest needs beyond the settings: the clock new push mounts are paced by, the
 * listener-side and encoder defaults mounts created by sources get, and the push mounts' fallbacks.
 */
public record IngestContext(IngestSettings settings, PacingClock clock, MountConfig mountDefaults,
                            EncoderSettings encoderDefaults, FallbackChains fallbacks) {}
