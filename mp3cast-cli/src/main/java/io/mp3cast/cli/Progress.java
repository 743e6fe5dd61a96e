package io.mp3cast.cli;

/** Progress of a long job, shown to a person or to no one. */
interface Progress {
    /** Shows nothing: for pipes and logs. */
    Progress NONE = new Progress() {
        @Override
        public void advance(long units) {}

        @Override
        public void done() {}
    };

    /** {@code units} more of the input are done, in the unit the progress was made for (bytes, say). */
    void advance(long units);

    /** The job ended; whatever was drawn is erased. */
    void done();
}
