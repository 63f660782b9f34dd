/** Model download: resumable, SHA-256 verified before the file appears at its final path. */
export { downloadModel, DownloadError, type DownloadModelOptions } from './download-model';
