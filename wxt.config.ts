import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  manifest: {
    name: 'Sammelpunkt',
    permissions: ['storage', 'alarms', 'scripting', 'notifications', 'activeTab'],
    optional_host_permissions: ['http://*/*', 'https://*/*'],
    browser_specific_settings: {
      gecko: {
        id: 'extension@sammelpunkt.example',
        data_collection_permissions: { required: ['none'] },
      },
    },
  },
});
