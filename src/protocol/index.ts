// The panel protocol: message unions and view types shared by the host and the webview.
export * from './messages';
export * from './views';
export * from './distinct';
export * from './reasons';
export * from './key-refused';
