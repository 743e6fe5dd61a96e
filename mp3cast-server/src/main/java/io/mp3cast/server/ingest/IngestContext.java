package io.mp3cast.server.ingest;

import io.mp3cast.mp3.EncoderSettings;
import io.mp3cast.server.IngestSettings;
import io.mp3cast.server.MountConfig;

/**
 * What ingest needs beyond the settings: the listener-side and encoder defaults of mounts producers
 * create, and the push mounts' fallbacks.
 */
public record IngestContext(IngestSettings settings, MountConfig mountDefaults,
                            EncoderSettings encoderDefaults, FallbackChains fallbacks) {}
