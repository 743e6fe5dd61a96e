package io.mp3cast.cli;

/** Progress of a long job, shown to a person or to no one. */
interface Progress {
    /** Shows nothing: for pipes, logs and inputs of unknown length. */
    Progress NONE = new Progress() {
        @Override
        public void advance(long bytes) {}

        @Override
        public void done() {}
    };

    /** {@code bytes} more of the input are done. */
    void advance(long bytes);

    /** The job ended; whatever was drawn is erased. */
    void done();
}
