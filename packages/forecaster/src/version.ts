/** Version of @twiga/forecaster, written into every checkpoint manifest (a test keeps it equal to package.json). */
export const FORECASTER_VERSION = '0.1.0';
